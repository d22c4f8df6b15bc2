import type { ServiceDefinition } from '@tessera/service-runtime';
import { integrityConfigSchema } from './integrity.config';
import { integritySchema } from './migrations';
import { IntegrityModule } from './integrity.module';

export const integrityService: ServiceDefinition<typeof integrityConfigSchema> = {
  service: 'integrity',
  configSchema: integrityConfigSchema,
  module: (config, logger) => IntegrityModule.register(config, logger),
  database: integritySchema,
  // Every attestation is in the attestation events and every refusal in tessera_integrity_refused_total: at a
  // thousand attestations a second an access line per request would be the service's heaviest work.
  unloggedPaths: ['/v1/challenge', '/v1/attest'],
  // The largest body the SDK sends is an attest request: 16 KiB of evidence and its JSON.
  jsonBodyLimit: '20kb',
};
