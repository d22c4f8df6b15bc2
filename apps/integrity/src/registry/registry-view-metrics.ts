import type { RegistryView } from '@tessera/registry-view';
import { Gauge, type Registry } from 'prom-client';

/** What the registry view holds, by kind: tenants, apps, registrations, policies, device overrides, revocations. */
export function registerRegistryViewMetrics(registry: Registry, view: RegistryView): void {
  new Gauge({
    name: 'tessera_integrity_registry_view_entries',
    help: 'Entries the registry view holds, by kind (expired ones not yet purged included)',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      for (const [kind, count] of Object.entries(view.sizes())) this.set({ kind }, count);
    },
  });
}
