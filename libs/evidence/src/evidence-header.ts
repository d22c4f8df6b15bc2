import { SDK_EVIDENCE_TYPE } from '@tessera/contracts';
import { z } from 'zod';

/**
 * A P-256 coordinate: 32 bytes as unpadded base64url, canonically encoded. 43 characters carry 258 bits, so the last
 * one must leave its two low bits zero; without that rule one key could be written several ways, each with its own
 * RFC 7638 thumbprint, and so its own installation id.
 */
const CoordinateSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'expected a P-256 coordinate: 32 bytes as canonical base64url');

/**
 * The installation key as the evidence header carries it: a public EC P-256 JWK. Besides RFC 7638's members
 * (`kty`, `crv`, `x`, `y`) it may have `kid`, `alg` (ES256 only) and `use` (`sig` only), which key stores and JOSE
 * libraries commonly add and the thumbprint ignores. Anything else is refused: `d` (a private key), `key_ops`/`ext`
 * (WebCrypto's export adds them; the SDK sends the four members only), certificates and URLs (`x5c`, `x5u`).
 */
export const EvidenceJwkSchema = z.strictObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: CoordinateSchema,
  y: CoordinateSchema,
  kid: z.string().min(1).max(128).optional(),
  alg: z.literal('ES256').optional(),
  use: z.literal('sig').optional(),
});
export type EvidenceJwk = z.output<typeof EvidenceJwkSchema>;

/** The installation key's public JWK with exactly RFC 7638's members: what the SDK sends and the id is made of. */
export interface InstallationPublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/**
 * The protected header, exactly: `alg` ES256, `typ` SDK_EVIDENCE_TYPE, the installation key as `jwk`. Every other
 * member is refused, among them `crit` (no extension is understood), `b64` (RFC 7797), `kid`, `x5c`, `x5u`, `jku`:
 * the key is the one in the header, never one fetched or chained.
 */
export const EvidenceHeaderSchema = z.strictObject({
  alg: z.literal('ES256'),
  typ: z.literal(SDK_EVIDENCE_TYPE),
  jwk: EvidenceJwkSchema,
});
export type EvidenceHeader = z.output<typeof EvidenceHeaderSchema>;

/** RFC 7638's members of the key, in a fresh object. */
export function installationPublicJwk(jwk: Pick<EvidenceJwk, 'x' | 'y'>): InstallationPublicJwk {
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}
