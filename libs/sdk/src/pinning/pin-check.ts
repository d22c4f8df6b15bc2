import type { DomainPattern, Pin, PinConfig } from '@tessera/contracts';
import { normalizeHost, patternsFor } from '@tessera/pins/portable';

/** A host whose served chain holds none of the pins its config expects for it. */
export interface PinViolation {
  /** The host as connected to, normalised (lower case, no trailing dot). */
  host: string;
  /** The config's pattern that covers the host (the most specific one). */
  pattern: DomainPattern;
  expectedPins: readonly Pin[];
  /** The pins of the served chain, leaf first. */
  servedPins: readonly string[];
  configVersion: number;
}

export type PinCheck =
  /** No pattern of the config covers the host: it is not pinned, the platform's CA check alone applies. */
  | { ok: true; pinned: false }
  | { ok: true; pinned: true; pattern: DomainPattern }
  | { ok: false; violation: PinViolation };

/**
 * Checks a served chain against a config: the most specific pattern covering the host decides (an exact name before
 * a wildcard), and at least one pin of the served chain, leaf to root, must be one it expects, as OkHttp's
 * CertificatePinner does.
 */
export function checkServedPins(config: PinConfig, host: string, servedPins: readonly string[]): PinCheck {
  const [domain] = patternsFor(config.domains, host);
  if (domain === undefined) return { ok: true, pinned: false };
  if (servedPins.some((pin) => domain.pins.includes(pin))) return { ok: true, pinned: true, pattern: domain.pattern };
  return {
    ok: false,
    violation: {
      host: normalizeHost(host),
      pattern: domain.pattern,
      expectedPins: domain.pins,
      servedPins,
      configVersion: config.version,
    },
  };
}

/** The error a connection is refused with when its host's pins do not match: the violation says what was seen. */
export class PinViolationError extends Error {
  override readonly name = 'PinViolationError';
  readonly code = 'ERR_TESSERA_PIN_VIOLATION';

  constructor(readonly violation: PinViolation) {
    super(
      `certificate pinning: the chain served by ${violation.host} holds none of the ${violation.expectedPins.length} pins ` +
        `config version ${violation.configVersion} expects for ${violation.pattern}`,
    );
  }
}
