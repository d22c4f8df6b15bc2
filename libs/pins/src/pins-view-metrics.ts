import { Gauge, type Registry } from 'prom-client';
import type { PinsView } from './pins-view';

/**
 * The pin config version a node serves for each tenant, and how many announced versions wait for their domains: 0
 * but for a moment; lasting, a domain event did not arrive. For every service that holds a PinsView.
 */
export function registerPinsViewMetrics(registry: Registry, view: PinsView): void {
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
