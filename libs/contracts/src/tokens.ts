import { z } from 'zod';

/**
 * The shapes tokens and their keys share between the token service, the verifiers and the integrity service: one
 * definition, so a value one accepts is a value the others accept.
 */

/** Algorithms a tenant can sign with. HS256 is a compatibility mode only (a shared secret, no public JWKS entry). */
export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA', 'HS256'] as const;
export const SigningAlgorithmSchema = z.enum(SIGNING_ALGORITHMS);
export type SigningAlgorithm = z.output<typeof SigningAlgorithmSchema>;

/**
 * A signing key's life: published before it signs (`next`), signing (`active`), published but no longer signing
 * while tokens it signed may still be alive (`retiring`), gone (`retired`); `revoked` is an emergency end: every
 * token it signed is refused at once.
 */
export const SIGNING_KEY_STATES = ['next', 'active', 'retiring', 'retired', 'revoked'] as const;
export const SigningKeyStateSchema = z.enum(SIGNING_KEY_STATES);
export type SigningKeyState = z.output<typeof SigningKeyStateSchema>;

/** A key id as it appears in a token's `kid` header and the JWKS: 8-64 base64url characters. */
export const KeyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected a key id: 8-64 base64url characters');

const base64url = (bytes: number) =>
  z
    .string()
    .regex(
      new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`),
      `expected ${bytes} bytes as unpadded base64url`,
    );

/** An RFC 7638 JWK SHA-256 thumbprint (the installation id is that of the installation key). */
export const JwkThumbprintSchema = base64url(32);

/** A SHA-256 digest as unpadded base64url: the `pay` claim (the hash of the bound header value). */
export const Sha256Base64UrlSchema = base64url(32);

/** Public JWKs Tessera publishes: EC P-256 for ES256, Ed25519 for EdDSA. No private members are accepted. */
export const PublicJwkSchema = z.discriminatedUnion('kty', [
  z.strictObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: base64url(32), y: base64url(32) }),
  z.strictObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: base64url(32) }),
]);
export type PublicJwk = z.output<typeof PublicJwkSchema>;

/** A device id as the integrity service knows it (the SDK's, or the installation id when there is no other). */
export const DeviceIdSchema = z.string().min(1).max(256);

/** Annotations a token may carry (`ann` claim): a few short, flat values. */
export const TokenAnnotationsSchema = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,31}$/, 'expected an annotation name of 1-32 letters, digits, _ . -'),
    z.union([z.string().max(256), z.number(), z.boolean()]),
  )
  .refine((annotations) => Object.keys(annotations).length <= 16, 'at most 16 annotations');
export type TokenAnnotations = z.output<typeof TokenAnnotationsSchema>;

/** The `typ` header every Tessera token carries (RFC 8725 §3.11: explicit typing). */
export const TOKEN_TYPE = 'tessera+jwt';

/** The token header an API server sees on every request. */
export const TOKEN_HEADER = 'Tessera-Token';
