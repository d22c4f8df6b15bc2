import { base64url } from 'jose';

/**
 * The token binding of a header value: SHA-256 of its UTF-8 bytes, unpadded base64url. The evidence carries it as
 * `binding`, the token as `pay`, and the verifier compares it with the same hash of the header it receives.
 * WebCrypto, not node:crypto: this runs on React Native too.
 */
export async function tokenBindingOf(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return base64url.encode(new Uint8Array(digest));
}
