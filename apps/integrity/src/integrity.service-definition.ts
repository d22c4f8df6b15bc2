import type { ServiceDefinition } from '@tessera/service-runtime';
import { integrityConfigSchema } from './integrity.config';
import { integritySchema } from './migrations';
import { IntegrityModule } from './integrity.module';

export const integrityService: ServiceDefinition<typeof integrityConfigSchema> = {
  service: 'integrity',
  configSchema: integrityConfigSchema,
  module: (config, logger) => IntegrityModule.register(config, logger),
  database: integritySchema,
};
