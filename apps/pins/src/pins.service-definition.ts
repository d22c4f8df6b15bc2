import type { ServiceDefinition } from '@tessera/service-runtime';
import { MAX_PIN_VIOLATION_REPORT_LENGTH } from '@tessera/contracts';
import { pinsConfigSchema } from './pins.config';
import { pinsSchema } from './migrations';
import { PinsModule } from './pins.module';

export const pinsService: ServiceDefinition<typeof pinsConfigSchema> = {
  service: 'pins',
  configSchema: pinsConfigSchema,
  module: (config, logger) => PinsModule.register(config, logger),
  database: pinsSchema,
  // The largest body any route takes: a pin-violation report, as its contract bounds it.
  jsonBodyLimit: `${MAX_PIN_VIOLATION_REPORT_LENGTH}b`,
};
