import { randomUUID } from 'node:crypto';
import { TokenClaimsSchema } from './token-claims';
import { issueClaims, type TokenIssuanceRequest } from './issue-claims';
import { defaultAudience, tenantIssuer, tenantJwksPath } from './issuer';

const now = new Date('2026-12-01T12:00:00.500Z');
const context = { issuer: 'https://t.example/tenants/acme', audience: 'tessera:acme', now, lifetimeSeconds: 120 };
const request: TokenIssuanceRequest = {
  tenant: 'acme',
  appId: randomUUID(),
  verdict: 'pass',
  registrationId: randomUUID(),
  installationKeyThumbprint: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  deviceId: 'pixel-7-tester',
  payloadBinding: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
  annotations: { channel: 'beta' },
  lifetimeSeconds: 120,
};

describe('token claims', () => {
  it('carry iss, aud, sub (the app), iat, exp, a fresh jti, did, ipk, reg, pay and ann', () => {
    const claims = issueClaims(request, context);
    expect(claims).toEqual({
      iss: context.issuer,
      aud: 'tessera:acme',
      sub: request.appId,
      iat: 1796126400,
      exp: 1796126520,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      did: 'pixel-7-tester',
      ipk: request.installationKeyThumbprint,
      reg: request.registrationId,
      pay: request.payloadBinding,
      ann: { channel: 'beta' },
    });
    expect(issueClaims(request, context).jti).not.toBe(claims.jti);
    expect(TokenClaimsSchema.safeParse(claims).success).toBe(true);
  });

  it('use the installation id as the device id when there is no other', () => {
    const claims = issueClaims({ ...request, deviceId: undefined }, context);
    expect(claims.did).toBe(request.installationKeyThumbprint);
  });

  it('give a failure with nothing matched random values of the same shapes', () => {
    const claims = issueClaims(
      { tenant: 'acme', appId: request.appId, verdict: 'fail', lifetimeSeconds: 120 },
      context,
    );
    expect(TokenClaimsSchema.safeParse(claims).success).toBe(true);
    expect(claims.ipk).toHaveLength(43);
    expect(claims.did).toBe(claims.ipk);
    expect(claims).not.toHaveProperty('pay');
  });

  it('name the issuer per tenant, with its JWKS beneath it', () => {
    expect(tenantIssuer('https://tessera.example.com/', 'acme')).toBe('https://tessera.example.com/tenants/acme');
    expect(tenantJwksPath('acme')).toBe('/tenants/acme/.well-known/jwks.json');
    expect(defaultAudience('acme')).toBe('tessera:acme');
  });
});
