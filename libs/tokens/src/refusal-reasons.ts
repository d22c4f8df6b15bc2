/**
 * Why a token is not accepted, as stable codes (metrics labels, API answers, CLI output). The verifier adds the
 * reasons only it can know (binding, revoked devices and tokens).
 */
export const TOKEN_REFUSAL_REASONS = [
  'missing',
  'malformed',
  'algorithm-not-allowed',
  'unknown-key',
  'revoked-key',
  'bad-signature',
  'failure-token',
  'expired',
  'not-yet-valid',
  'wrong-issuer',
  'wrong-audience',
] as const;
export type TokenRefusalReason = (typeof TOKEN_REFUSAL_REASONS)[number];
