import type { KeyObject } from 'node:crypto';
import { createSecretKey } from 'node:crypto';
import {
  type EventData,
  type FailureKeyUpsertedV1,
  type PublicJwk,
  signingKeySecretAad,
  type SigningAlgorithm,
  type SigningKeyUpsertedV1,
} from '@tessera/contracts';
import type { Keyring } from '@tessera/sealing';
import { type InspectionKeys, publicKeyFromJwk, type VerificationKey } from '@tessera/tokens';

/**
 * The keys a verifier knows, as the keys topic says: every tenant's signing keys by kid (bound to its tenant's issuer,
 * with their state: a revoked key's tokens are refused at once), and the failure-token keys, never trusted, only for
 * telling failure tokens from forgeries. HS256 secrets open only with the deployment's KEK; without it, HS256 keys
 * are not known here.
 */
export class VerificationKeySet implements InspectionKeys {
  private readonly byKid = new Map<string, VerificationKey & { tenant: string }>();
  private readonly failures = new Map<string, { alg: SigningAlgorithm; key: KeyObject }>();

  constructor(private readonly keyring?: Keyring) {}

  get size(): number {
    return this.byKid.size;
  }

  applySigningKey(tenant: string, data: EventData<typeof SigningKeyUpsertedV1>): void {
    if (data.state === 'retired') {
      this.byKid.delete(data.kid);
      return;
    }
    const known = this.byKid.get(data.kid);
    // A kid is one tenant's: an event naming it for another tenant is refused, not trusted.
    if (known && known.tenant !== tenant) return;
    const key = this.keyOf(tenant, data) ?? known?.key;
    if (!key) return;
    this.byKid.set(data.kid, { kid: data.kid, alg: data.alg, state: data.state, issuer: data.issuer, key, tenant });
  }

  /**
   * A key learnt from the tenant's JWKS (the fallback for a kid no event has brought yet): trusted as active for that
   * tenant, unless the key events already know the kid, whose word stands (a revoked key is not brought back).
   */
  applyFetchedKey(
    tenant: string,
    fetched: { kid: string; alg: 'ES256' | 'EdDSA'; issuer: string; publicJwk: PublicJwk },
  ): void {
    if (this.byKid.has(fetched.kid)) return;
    const key = publicKeyFromJwk(fetched.alg, fetched.publicJwk);
    this.byKid.set(fetched.kid, {
      kid: fetched.kid,
      alg: fetched.alg,
      state: 'active',
      issuer: fetched.issuer,
      key,
      tenant,
    });
  }

  applyFailureKey(data: EventData<typeof FailureKeyUpsertedV1>): void {
    this.failures.set(data.failureKeyId, { alg: data.alg, key: publicKeyFromJwk(data.alg, data.publicJwk) });
  }

  /** A tombstone on the keys topic: `<tenant>/key/<kid>` or `system/failure-key/<kid>`. */
  forget(eventKey: string): void {
    const failure = /^system\/failure-key\/([A-Za-z0-9_-]+)$/.exec(eventKey);
    if (failure?.[1]) {
      this.failures.delete(failure[1]);
      return;
    }
    const signing = /^([a-z0-9][a-z0-9-]*)\/key\/([A-Za-z0-9_-]+)$/.exec(eventKey);
    if (signing?.[2] && this.byKid.get(signing[2])?.tenant === signing[1]) this.byKid.delete(signing[2]);
  }

  find(kid: string): VerificationKey | undefined {
    return this.byKid.get(kid);
  }

  /** The tenant whose key this kid is. */
  tenantOf(kid: string): string | undefined {
    return this.byKid.get(kid)?.tenant;
  }

  failureKeys(alg: SigningAlgorithm): readonly KeyObject[] {
    return [...this.failures.values()].filter((failure) => failure.alg === alg).map((failure) => failure.key);
  }

  private keyOf(tenant: string, data: EventData<typeof SigningKeyUpsertedV1>): KeyObject | undefined {
    if (data.alg !== 'HS256') return data.publicJwk ? publicKeyFromJwk(data.alg, data.publicJwk) : undefined;
    if (!data.sealedSecret || !this.keyring) return undefined;
    return createSecretKey(this.keyring.open(data.sealedSecret, signingKeySecretAad(tenant, data.kid)));
  }
}
