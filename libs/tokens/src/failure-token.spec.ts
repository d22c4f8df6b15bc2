import { randomBytes, randomUUID } from 'node:crypto';
import type { SigningAlgorithm } from '@tessera/contracts';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { issueClaims, type TokenIssuanceRequest } from './issue-claims';
import { generateKeyMaterial } from './key-material';
import { inspectToken } from './token-inspection';
import { signToken } from './token-signer';

const context = { issuer: 'https://tessera.example.com/tenants/acme', audience: 'tessera:acme', lifetimeSeconds: 300 };
const appId = randomUUID();
const thumbprint = () => randomBytes(32).toString('base64url');

/** What the integrity service asks for: a genuine device passes; a fake one fails, often with nothing matched. */
const genuine = (): TokenIssuanceRequest => ({
  tenant: 'acme',
  appId,
  verdict: 'pass',
  registrationId: randomUUID(),
  installationKeyThumbprint: thumbprint(),
  lifetimeSeconds: 300,
});
const fake = (): TokenIssuanceRequest => ({ tenant: 'acme', appId, verdict: 'fail', lifetimeSeconds: 300 });

describe.each(['ES256', 'EdDSA', 'HS256'] as const)('failure tokens (%s)', (alg: SigningAlgorithm) => {
  const active = { kid: 'active-key-1', ...generateKeyMaterial(alg) };
  const failure = { kid: 'failure-key-1', ...generateKeyMaterial(alg) };
  const now = new Date();
  const valid = () => signToken(active, issueClaims(genuine(), { ...context, now }));
  const failed = () => signToken(failure, issueClaims(fake(), { ...context, now }), active.kid);

  it('have the header of a valid token and the same claims, in the same order, with values of the same shapes', async () => {
    const [a, b] = [await valid(), await failed()];
    expect(decodeProtectedHeader(b)).toEqual(decodeProtectedHeader(a));
    const [claimsA, claimsB] = [decodeJwt(a), decodeJwt(b)];
    expect(Object.keys(claimsB)).toEqual(Object.keys(claimsA));
    for (const name of Object.keys(claimsA)) {
      expect(typeof claimsB[name]).toBe(typeof claimsA[name]);
      expect(String(claimsB[name]).length).toBe(String(claimsA[name]).length);
    }
  });

  it('have the same size distribution as valid tokens (200 of each)', async () => {
    const lengths = async (make: () => Promise<string>) => {
      const counts = new Map<number, number>();
      for (let i = 0; i < 200; i++) {
        const length = (await make()).length;
        counts.set(length, (counts.get(length) ?? 0) + 1);
      }
      return counts;
    };
    const [ofValid, ofFailed] = [await lengths(valid), await lengths(failed)];
    expect([...ofFailed.keys()].sort()).toEqual([...ofValid.keys()].sort());
    // Every token of a kind has one length here (fixed-size values and signatures), the same for both kinds.
    expect(ofValid.size).toBe(1);
  });

  it('are refused with the published keys only, and named failure tokens where the failure key is known', async () => {
    const token = await failed();
    const published = {
      find: (kid: string) =>
        kid === active.kid
          ? { kid, alg, state: 'active' as const, issuer: context.issuer, key: active.publicKey }
          : undefined,
    };
    await expect(
      inspectToken(token, { keys: { ...published, failureKeys: () => [] }, audience: context.audience }),
    ).resolves.toMatchObject({ valid: false, reason: 'bad-signature' });
    await expect(
      inspectToken(token, {
        keys: { ...published, failureKeys: () => [failure.publicKey] },
        audience: context.audience,
      }),
    ).resolves.toMatchObject({ valid: false, reason: 'failure-token' });
    await expect(
      inspectToken(await valid(), {
        keys: { ...published, failureKeys: () => [failure.publicKey] },
        audience: context.audience,
      }),
    ).resolves.toMatchObject({ valid: true });
  });
});
