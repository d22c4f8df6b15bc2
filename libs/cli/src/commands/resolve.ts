import type { AdminApiClient } from '../api/admin-api-client';
import { collectPages, MAX_PAGE_SIZE } from '../api/paging';
import { CliError } from '../errors';
import { ExitCode } from '../exit-codes';

/**
 * Commands accept a name where people think in names (a team's name, an app's package name or bundle id, a
 * policy's name) and an id otherwise; a name is looked up through the list endpoint.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A team id, or the id of the team with this name. */
export async function resolveTeamId(client: AdminApiClient, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const teams = await collectPages((cursor) => client.listTeams({ limit: MAX_PAGE_SIZE, cursor }));
  return single(
    ref,
    teams.items.filter((team) => team.name === ref),
    'team',
    'named',
  );
}

/** An app id, or the id of the app with this Android package name or iOS bundle id (`<apple team id>.<bundle id>` too). */
export async function resolveAppId(client: AdminApiClient, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const apps = await collectPages((cursor) => client.listApps({ limit: MAX_PAGE_SIZE, cursor }));
  const matches = apps.items.filter(
    (app) =>
      app.packageName === ref ||
      app.bundleId === ref ||
      (app.appleTeamId !== null && `${app.appleTeamId}.${app.bundleId ?? ''}` === ref),
  );
  return single(ref, matches, 'app', 'with package name or bundle id');
}

/** A policy id, or the id of the policy with this name. */
export async function resolvePolicyId(client: AdminApiClient, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  const policies = await collectPages((cursor) => client.listPolicies({ limit: MAX_PAGE_SIZE, cursor }));
  return single(
    ref,
    policies.items.filter((policy) => policy.name === ref),
    'policy',
    'named',
  );
}

function single(ref: string, matches: readonly { id: string }[], kind: string, how: string): string {
  const [first, ...others] = matches;
  if (!first) throw new CliError(`no ${kind} ${how} ${ref} (or not one your key can see)`, ExitCode.notFound);
  if (others.length > 0) {
    throw new CliError(`${matches.length} ${kind}s match ${ref}: give the id instead`, ExitCode.failure, [
      ...matches.map((m) => m.id),
    ]);
  }
  return first.id;
}
