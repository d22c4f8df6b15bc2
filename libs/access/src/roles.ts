/**
 * `admin`: everything in its tenant. `developer`: its own team's apps, registrations and secure strings; read-only
 * for the tenant's policies, revocations and signing keys; never another team's apps.
 */
export const ROLES = ['admin', 'developer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as established from an API key. */
export interface Principal {
  tenantId: string;
  keyId: string;
  role: Role;
  /** null for tenant-wide (admin) keys. */
  teamId: string | null;
}

/** What an endpoint does; each is granted to roles below. */
export type Permission =
  | 'tenant:read'
  | 'tenant:write'
  | 'team:read'
  | 'team:write'
  | 'key:manage'
  | 'audit:read'
  | 'app:read'
  | 'app:write'
  | 'policy:read'
  | 'policy:write'
  | 'revocation:read'
  | 'revocation:write'
  // The token service's admin endpoints: its signing keys (listed, then rotated or retired) and tokens it issued.
  | 'signing-key:read'
  | 'signing-key:write'
  | 'token:inspect'
  // The pins service's admin endpoints: protected domains, their pin sets and rotations, pin-violation reports.
  | 'pins:read'
  | 'pins:write';

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set<Permission>([
    'tenant:read',
    'tenant:write',
    'team:read',
    'team:write',
    'key:manage',
    'audit:read',
    'app:read',
    'app:write',
    'policy:read',
    'policy:write',
    'revocation:read',
    'revocation:write',
    'signing-key:read',
    'signing-key:write',
    'token:inspect',
    'pins:read',
    'pins:write',
  ]),
  // Developers change their own team's apps, registrations and secure strings (canWriteTeamResources), and read
  // the tenant's policies and revocations that apply to them; policy assignment and overrides are admin work.
  // They may see the signing keys and inspect a token (debugging their app's attestation), but changing the keys
  // that every token of the tenant depends on is admin work.
  developer: new Set<Permission>([
    'tenant:read',
    'team:read',
    'app:read',
    'app:write',
    'policy:read',
    'revocation:read',
    'signing-key:read',
    'token:inspect',
    // Developers see the pins their apps enforce and the violations they report; changing them is the server
    // team's (admin) work, since a wrong pin set cuts every app off from the API.
    'pins:read',
  ]),
};

export function can(principal: Pick<Principal, 'role'>, permission: Permission): boolean {
  return GRANTS[principal.role].has(permission);
}

/**
 * Whether the principal may see a team: admins see every team of their tenant, developers only their own.
 * Tenant scoping is the query's job (another tenant's team is never found); this is the rule within a tenant.
 */
export function canSeeTeam(principal: Principal, teamId: string): boolean {
  return principal.role === 'admin' || principal.teamId === teamId;
}

/** Whether the principal may change apps and registrations owned by `teamId`. */
export function canWriteTeamResources(principal: Principal, teamId: string): boolean {
  return principal.role === 'admin' || principal.teamId === teamId;
}

/** Key shape rules: admin keys are tenant-wide (no team), developer keys belong to a team. */
export function keyScopeProblem(role: Role, teamId: string | null | undefined): string | undefined {
  if (role === 'developer' && !teamId) return 'a developer key belongs to a team: give teamId';
  if (role === 'admin' && teamId) return 'an admin key is tenant-wide: leave teamId out';
  return undefined;
}
