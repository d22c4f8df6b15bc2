import type { PublicJwk, SealedValue, SigningAlgorithm, SigningKeyState } from '@tessera/contracts';
import type { ScheduledKey } from '@tessera/tokens';

/** A signing key as stored: its schedule fields, its public JWK, and its private part sealed under the KEK. */
export interface SigningKeyRecord extends ScheduledKey {
  readonly tenantId: string;
  readonly publicJwk: PublicJwk | null;
  /** Erased (null) once the key is retired or revoked. */
  readonly sealedPrivate: SealedValue | null;
}

export const SIGNING_KEY_COLUMNS = `kid, tenant_id AS "tenantId", alg, state, public_jwk AS "publicJwk",
  sealed_private AS "sealedPrivate", created_at AS "createdAt", activated_at AS "activatedAt",
  deactivated_at AS "deactivatedAt", retires_at AS "retiresAt", revoked_at AS "revokedAt",
  revocation_reason AS "revocationReason", forgotten`;

/** What the admin API shows of a key: everything but its private part. */
export interface SigningKeyView {
  kid: string;
  alg: SigningAlgorithm;
  state: SigningKeyState;
  publicJwk: PublicJwk | null;
  createdAt: string;
  activatedAt: string | null;
  deactivatedAt: string | null;
  retiresAt: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

export function signingKeyView(key: SigningKeyRecord): SigningKeyView {
  return {
    kid: key.kid,
    alg: key.alg,
    state: key.state,
    publicJwk: key.publicJwk,
    createdAt: key.createdAt.toISOString(),
    activatedAt: iso(key.activatedAt),
    deactivatedAt: iso(key.deactivatedAt),
    retiresAt: iso(key.retiresAt),
    revokedAt: iso(key.revokedAt),
    revocationReason: key.revocationReason,
  };
}
