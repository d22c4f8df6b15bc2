/**
 * Keys are per tenant, and so is the issuer: `<TOKEN_ISSUER>/tenants/<tenant>`. A tenant's JWKS is at
 * `<iss>/.well-known/jwks.json`, so a standard library finds a token's keys from its `iss` alone, and a token of one
 * tenant can never verify against another tenant's keys.
 */
export function tenantIssuer(issuerBase: string, tenant: string): string {
  return `${issuerBase.replace(/\/+$/, '')}/tenants/${tenant}`;
}

/** The path of a tenant's JWKS on the token service. */
export function tenantJwksPath(tenant: string): string {
  return `/tenants/${tenant}/.well-known/jwks.json`;
}

/** The audience of a tenant's tokens unless its signing settings name another (its API servers check it). */
export function defaultAudience(tenant: string): string {
  return `tessera:${tenant}`;
}
