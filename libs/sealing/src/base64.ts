/** Standard base64 with padding, as sealed values and KEK settings write it; nothing else decodes. */
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of standard base64, or undefined for anything else (Buffer.from alone skips what it cannot read). */
export function decodeBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || !CANONICAL_BASE64.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}
