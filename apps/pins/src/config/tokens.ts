/** The pins node's TokenVerifier (libs/verifier over the node's own view of keys and revocations). */
export const PINS_TOKEN_VERIFIER = Symbol('PINS_TOKEN_VERIFIER');
