import type { PinMode } from '@tessera/contracts';
import type { PageQuery } from './views';

/**
 * What the CLI sends to the pins service: bodies and queries as the zod schemas of apps/pins/src/<area>/*.schemas.ts
 * take them (they refuse unknown fields).
 */

export interface TypedPin {
  pin: string;
  source?: 'manual' | 'backup';
  label?: string;
}

export type PinnedPlace = 'leaf' | 'intermediate' | 'root';

export interface CreateDomainBody {
  pattern: string;
  port?: number;
  mode?: PinMode;
  appIds?: string[] | null;
  pins?: TypedPin[];
  certificatePem?: string;
  fromHost?: boolean;
  use?: PinnedPlace;
}

export interface PlanRotationBody {
  newPins: { pin: string; label?: string }[];
  retirePins: string[];
  at?: string;
}

export interface RetireBody {
  servedChainPem?: string;
}

export interface EmergencyReplaceBody {
  pins: TypedPin[];
  compromised: true;
  reason: string;
  servedChainPem?: string;
}

export interface ListPinReportsQuery extends PageQuery {
  domain?: string;
  appId?: string;
  since?: string;
}
