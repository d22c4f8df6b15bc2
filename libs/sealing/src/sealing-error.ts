/**
 * Why a sealed value did not open, or a key did not parse. The messages are fixed sentences: they never carry
 * key material, plaintext or the sealed bytes, so the error is safe to log and to show.
 */
export type SealingFailure =
  /** The value names a KEK this deployment does not hold (rotated out too early, or another deployment's). */
  | 'unknown-kek'
  /** The value is not a well-formed A256GCM sealed value (wrong alg, IV or tag length, not base64). */
  | 'malformed'
  /** The tag does not verify: wrong key, tampered ciphertext, IV or tag, or other additional data. */
  | 'authentication-failed';

const MESSAGES: Record<SealingFailure, string> = {
  'unknown-kek': 'the sealed value names a key-encryption key that is not configured',
  malformed: 'the sealed value is malformed',
  'authentication-failed': 'the sealed value does not open: wrong key, altered value or other additional data',
};

export class SealingError extends Error {
  constructor(readonly failure: SealingFailure) {
    super(MESSAGES[failure]);
    this.name = 'SealingError';
  }
}

/** A KEK setting that is not `<kek id>:<base64 of 32 bytes>`; names the problem, never echoes the value. */
export class KekFormatError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'KekFormatError';
  }
}
