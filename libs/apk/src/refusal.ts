/** Stable machine-readable reasons an APK is refused. Callers branch on these; the message is for people. */
export type ApkRefusalCode =
  | 'not-a-zip'
  | 'io-error'
  | 'malformed-apk'
  | 'duplicate-entry'
  | 'entry-too-large'
  | 'no-manifest'
  | 'manifest-invalid'
  | 'unsigned'
  | 'min-sdk-not-covered'
  | 'v1-manifest-invalid'
  | 'v1-entry-not-signed'
  | 'v1-digest-mismatch'
  | 'v1-signature-invalid'
  | 'v2-stripped'
  | 'v3-stripped'
  | 'malformed-signing-block'
  | 'no-supported-signature'
  | 'unsupported-algorithm'
  | 'content-digest-mismatch'
  | 'signed-data-signature-invalid'
  | 'signer-certificate-invalid'
  | 'public-key-mismatch'
  | 'lineage-invalid'
  | 'signer-mismatch';

/**
 * Thrown inside the library to stop at the first fault; `readApkIdentity` turns it into `{ ok: false }`.
 * Never escapes the public API.
 */
export class ApkRefusal extends Error {
  constructor(
    readonly code: ApkRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApkRefusal';
  }
}

export function refuse(code: ApkRefusalCode, message: string): never {
  throw new ApkRefusal(code, message);
}
