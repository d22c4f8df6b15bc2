import { Counter, type Registry } from 'prom-client';

/** The `pattern` label of a report whose pattern is none of its app's protected domains. */
export const UNPROTECTED_PATTERN = 'unprotected';

/**
 * `tessera_pin_violations_total{tenant, pattern}`. Bounded labels only: the tenant is a known one, and the pattern
 * is one of the app's protected domains or `unprotected` (a report names any pattern it likes); hosts, devices and
 * apps are in the stored reports, not in labels.
 */
export class PinViolationMetrics {
  private readonly violations: Counter<'tenant' | 'pattern'>;

  constructor(registry: Registry) {
    this.violations = new Counter({
      name: 'tessera_pin_violations_total',
      help: 'Pin-violation reports accepted, by tenant and protected domain pattern',
      labelNames: ['tenant', 'pattern'],
      registers: [registry],
    });
  }

  reported(tenant: string, pattern: string): void {
    this.violations.inc({ tenant, pattern });
  }
}
