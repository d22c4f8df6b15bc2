/** The node's TokenVerifier (a plain class from libs/verifier, provided by a factory). */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
