import { certificateExpiry, type PinsView } from '@tessera/pins';
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
  new Gauge({
    name: 'tessera_pins_config_version',
    help: "The tenant's pin config version this node serves",
    labelNames: ['tenant'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { tenant, served } of view.versions()) this.set({ tenant }, served);
    },
  });
  new Gauge({
    name: 'tessera_pins_config_versions_waiting',
    help: 'Versions announced for the tenant that this node does not serve yet, waiting for the domains they name',
    labelNames: ['tenant'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { tenant, served, announced } of view.versions())
        this.set({ tenant }, Math.max(0, announced - served));
    },
  });
}
