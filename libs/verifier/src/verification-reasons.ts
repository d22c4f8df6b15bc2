import { TOKEN_REFUSAL_REASONS } from '@tessera/tokens';

/** Why the verifier refuses a token: the token's own reasons, then what only the verifier knows. */
export const VERIFICATION_REFUSAL_REASONS = [
  ...TOKEN_REFUSAL_REASONS,
  'binding-mismatch',
  'revoked-device',
  'revoked-installation',
  'revoked-registration',
  'revoked-token',
  // Not the token's fault: this verifier's view is too old to vouch for it (fail-closed).
  'stale-view',
] as const;
export type VerificationRefusalReason = (typeof VERIFICATION_REFUSAL_REASONS)[number];
