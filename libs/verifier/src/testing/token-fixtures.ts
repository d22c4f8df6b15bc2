import { randomBytes, randomUUID } from 'node:crypto';
import type { EventData, SigningKeyUpsertedV1 } from '@tessera/contracts';
import { type generateKeyMaterial, issueClaims, type TokenClaims, type TokenIssuanceRequest } from '@tessera/tokens';

/** The issuer and audience of the tenant the verifier's tests use. */
export const ACME_ISSUER = 'https://tessera.example.com/tenants/acme';
export const ACME_AUDIENCE = 'tessera:acme';

/** A genuine attestation's claims for acme, issued at `now` (each call: a new app, registration, installation). */
export function genuineClaims(
  options: { now?: number; lifetimeSeconds?: number; audience?: string; request?: Partial<TokenIssuanceRequest> } = {},
): TokenClaims {
  const lifetimeSeconds = options.lifetimeSeconds ?? 300;
  return issueClaims(
    {
      tenant: 'acme',
      appId: randomUUID(),
      verdict: 'pass',
      registrationId: randomUUID(),
      installationKeyThumbprint: randomBytes(32).toString('base64url'),
      lifetimeSeconds,
      ...options.request,
    },
    {
      issuer: ACME_ISSUER,
      audience: options.audience ?? ACME_AUDIENCE,
      now: new Date(options.now ?? Date.now()),
      lifetimeSeconds,
    },
  );
}

/** The signing-key.upserted a token service would publish for this key (active, acme's issuer, unless told). */
export function signingKeyEvent(
  kid: string,
  material: ReturnType<typeof generateKeyMaterial>,
  overrides: Partial<EventData<typeof SigningKeyUpsertedV1>> = {},
): EventData<typeof SigningKeyUpsertedV1> {
  const now = new Date().toISOString();
  return {
    kid,
    alg: material.alg,
    state: 'active',
    issuer: ACME_ISSUER,
    publicJwk: material.publicJwk,
    createdAt: now,
    activatedAt: now,
    deactivatedAt: null,
    retiresAt: null,
    revokedAt: null,
    revocationReason: null,
    ...overrides,
  };
}
