import type { AttestationReason } from '@tessera/contracts';

/**
 * A token as the integrity service issued it. The SDK does not and cannot tell a failure token (the answer to a
 * failed attestation) from any other: both look alike, and only the verifiers know the difference.
 */
export interface TesseraToken {
  /** The token itself: what travels in the `Tessera-Token` header. */
  readonly token: string;
  /** When the service says it expires (ISO 8601). The SDK times refreshes by `lifetimeSeconds` and its own clock. */
  readonly expiresAt: string;
  readonly lifetimeSeconds: number;
  /** The version of the app's signed pin config (for the pins client, later). */
  readonly pinConfigVersion: number | null;
  /** Verdict reasons, only when the app's policy reveals them. */
  readonly reasons?: readonly AttestationReason[];
  /** The token binding (SHA-256 base64url of the bound header value), when the token is bound. */
  readonly binding?: string;
}
