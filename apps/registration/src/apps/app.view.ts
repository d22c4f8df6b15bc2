import type { AppIdentifiers } from '@tessera/contracts';

/** An app as the admin API shows it. */
export interface AppView {
  id: string;
  teamId: string;
  name: string;
  platform: 'android' | 'ios';
  packageName: string | null;
  appleTeamId: string | null;
  bundleId: string | null;
  /** null: the built-in default policy. */
  policyId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const APP_COLUMNS = `id, team_id AS "teamId", name, platform, package_name AS "packageName",
  apple_team_id AS "appleTeamId", bundle_id AS "bundleId", policy_id AS "policyId",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The platform identifiers of an app, as events carry them. */
export function appIdentifiers(app: AppView): AppIdentifiers {
  if (app.platform === 'android') return { platform: 'android', packageName: app.packageName ?? '' };
  return { platform: 'ios', appleTeamId: app.appleTeamId ?? '', bundleId: app.bundleId ?? '' };
}

/** The audit summary of an app. */
export function appSummary(app: AppView): Record<string, unknown> {
  return { name: app.name, teamId: app.teamId, ...appIdentifiers(app), policyId: app.policyId };
}
