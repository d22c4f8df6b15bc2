import type { ServiceDefinition } from '@tessera/service-runtime';
import { pinsConfigSchema } from './pins.config';
import { pinsSchema } from './migrations';
import { PinsModule } from './pins.module';

export const pinsService: ServiceDefinition<typeof pinsConfigSchema> = {
  service: 'pins',
  configSchema: pinsConfigSchema,
  module: (config, logger) => PinsModule.register(config, logger),
  database: pinsSchema,
};
