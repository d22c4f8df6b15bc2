import { certificateExpiry, type PinsView, registerPinsViewMetrics } from '@tessera/pins';
import { Gauge, type Registry } from 'prom-client';

/**
 * The days left before the soonest pinned certificate of each protected domain expires (negative once expired), and
 * the tenants' pin config versions served and waiting, from the node's view. One series a domain or a tenant.
 */
export function registerPinsMetrics(registry: Registry, view: PinsView): void {
  new Gauge({
    name: 'tessera_pins_certificate_expiry_days',
    help: 'Days until the soonest pinned certificate of a protected domain expires (negative: expired)',
    labelNames: ['tenant', 'pattern', 'port'],
    registers: [registry],
    collect() {
      this.reset();
      const now = new Date();
      for (const { tenant, domain } of view.allDomains()) {
        const expiry = certificateExpiry(domain.pins, now);
        if (expiry) this.set({ tenant, pattern: domain.pattern, port: String(domain.port) }, expiry.daysLeft);
      }
    },
  });
  registerPinsViewMetrics(registry, view);
}
