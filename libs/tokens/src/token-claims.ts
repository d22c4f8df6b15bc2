import { DeviceIdSchema, JwkThumbprintSchema, Sha256Base64UrlSchema, TokenAnnotationsSchema } from '@tessera/contracts';
import { z } from 'zod';

/**
 * The claims of a Tessera token. Valid and failure tokens carry exactly these, with values of the same shapes, so
 * nothing in a token tells which it is.
 */
export const TokenClaimsSchema = z.object({
  iss: z.string().min(1).max(512),
  aud: z.string().min(1).max(256),
  /** The app id. */
  sub: z.uuid(),
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
  jti: z.uuid(),
  /** Device id. */
  did: DeviceIdSchema,
  /** RFC 7638 thumbprint of the installation key. */
  ipk: JwkThumbprintSchema,
  /** The registration (app build) the attestation matched. */
  reg: z.uuid(),
  /** Token binding: SHA-256 (base64url) of the bound header value. */
  pay: Sha256Base64UrlSchema.optional(),
  ann: TokenAnnotationsSchema.optional(),
});
export type TokenClaims = z.output<typeof TokenClaimsSchema>;

/** The protected header of a Tessera token. */
export interface TokenHeader {
  alg: string;
  typ: string;
  kid: string;
}
