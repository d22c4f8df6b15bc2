import { type SigningAlgorithm } from '@tessera/contracts';
import type { KeySchedule } from '@tessera/tokens';
import type { TokenConfig } from '../token.config';

/** A tenant's choices: what it signs with, how often its keys rotate, and the audience of its tokens. */
export interface SigningSettings {
  tenantId: string;
  algorithm: SigningAlgorithm;
  rotationPeriodSeconds: number;
  audience: string;
}

export const SETTINGS_COLUMNS = `tenant_id AS "tenantId", algorithm, rotation_period_seconds AS "rotationPeriodSeconds",
  audience`;

/** The tenant's schedule: its own choices, within the deployment's lifetimes, lead and skew. */
export function keyScheduleOf(settings: SigningSettings, config: TokenConfig): KeySchedule {
  return {
    algorithm: settings.algorithm,
    rotationPeriodSeconds: settings.rotationPeriodSeconds,
    maxTokenLifetimeSeconds: config.TOKEN_MAX_LIFETIME_SECONDS,
    clockSkewSeconds: config.TOKEN_CLOCK_SKEW_SECONDS,
    publishLeadSeconds: Math.min(config.TOKEN_PUBLISH_LEAD_SECONDS, settings.rotationPeriodSeconds),
  };
}
