import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { EventTimeSchema } from '../identifiers';
import { KeyIdSchema, PublicJwkSchema, SigningAlgorithmSchema, SigningKeyStateSchema } from '../tokens';
import { Topics } from '../topics';
import { SealedValueSchema } from './secure-string.events';

/** The additional data an HS256 key's secret is sealed with, on the topic and at rest: `<tenant>/signing-key/<kid>`. */
export function signingKeySecretAad(tenant: string, kid: string): string {
  return `${tenant}/signing-key/${kid}`;
}

/** The key of a signing key's events: `<tenant>/key/<kid>` (its tombstone's too). */
export function signingKeyEventKey(tenant: string, kid: string): string {
  return `${tenant}/key/${kid}`;
}

/** The key of a failure-token key's events: `system/failure-key/<kid>`. */
export function failureKeyEventKey(kid: string): string {
  return `system/failure-key/${kid}`;
}

/** Retired and revoked keys sign nothing again: their private material is erased. */
const KEY_MATERIAL_ERASED: ReadonlySet<string> = new Set(['retired', 'revoked']);

/**
 * A tenant's token-signing key and where it is in its life. Verifiers trust a key while it is `next`, `active` or
 * `retiring` (and only for tokens of that tenant's issuer), refuse its tokens at once when it is `revoked`, and forget
 * it on `retired` or on the tombstone that follows.
 */
export const SigningKeyUpsertedV1 = defineEvent({
  type: 'signing-key.upserted',
  version: 1,
  topic: Topics.keys,
  description: "a tenant's signing key was created or changed state; a tombstone on its key forgets it",
  schema: z
    .object({
      kid: KeyIdSchema,
      alg: SigningAlgorithmSchema,
      state: SigningKeyStateSchema,
      /** The `iss` of the tokens this key signs. */
      issuer: z.string().min(1).max(512),
      /** ES256 and EdDSA: the public key. HS256: null. */
      publicJwk: PublicJwkSchema.nullable(),
      /** HS256 only: the shared secret, sealed under the KEK with `signingKeySecretAad(tenant, kid)`. */
      sealedSecret: SealedValueSchema.optional(),
      createdAt: EventTimeSchema,
      /** When it started signing (null while `next`). */
      activatedAt: EventTimeSchema.nullable(),
      /** When it stopped signing (null while `next` or `active`). */
      deactivatedAt: EventTimeSchema.nullable(),
      /** When it leaves the JWKS: the last token it signed has expired by then (null while `next` or `active`). */
      retiresAt: EventTimeSchema.nullable(),
      revokedAt: EventTimeSchema.nullable(),
      revocationReason: z.string().max(500).nullable(),
    })
    .refine((key) => (key.alg === 'HS256') === (key.publicJwk === null), {
      path: ['publicJwk'],
      message: 'ES256 and EdDSA keys carry a public JWK; HS256 keys carry none',
    })
    .refine((key) => key.sealedSecret === undefined || (key.alg === 'HS256' && !KEY_MATERIAL_ERASED.has(key.state)), {
      path: ['sealedSecret'],
      message: 'only an HS256 key that is not retired or revoked carries its sealed secret',
    }),
  key: (tenant, data) => signingKeyEventKey(tenant, data.kid),
});

/**
 * The public part of a key that signs failure tokens (tokens for a failed attestation). It is never in a JWKS and
 * no verifier trusts it: verifiers use it only to tell a Tessera failure token from a forgery when a token's
 * signature does not verify with the key its `kid` names. The private part lives only in the memory of the token
 * service instance that made it. Platform-wide: the envelope's tenant is `system`.
 */
export const FailureKeyUpsertedV1 = defineEvent({
  type: 'failure-key.upserted',
  version: 1,
  topic: Topics.keys,
  description: 'a failure-token key (never trusted; for telling failure tokens from forgeries); a tombstone forgets it',
  schema: z.object({
    failureKeyId: KeyIdSchema,
    alg: z.enum(['ES256', 'EdDSA']),
    publicJwk: PublicJwkSchema,
    createdAt: EventTimeSchema,
    /** After this no token it signed is alive any more. */
    forgetAfter: EventTimeSchema,
  }),
  key: (_tenant, data) => failureKeyEventKey(data.failureKeyId),
});
