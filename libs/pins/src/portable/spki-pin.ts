/**
 * The pin of a public key: SHA-256 of its DER SubjectPublicKeyInfo, standard base64 (RFC 7469 `pin-sha256`). With
 * the global WebCrypto, not node:crypto: the SDK computes pins of served certificates on React Native too.
 */
export async function spkiPin(subjectPublicKeyInfo: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', subjectPublicKeyInfo));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary);
}
