import type { ServiceDefinition } from '@tessera/service-runtime';
import { registrationConfigSchema } from './registration.config';
import { registrationSchema } from './migrations';
import { RegistrationModule } from './registration.module';

export const registrationService: ServiceDefinition<typeof registrationConfigSchema> = {
  service: 'registration',
  configSchema: registrationConfigSchema,
  module: (config, logger) => RegistrationModule.register(config, logger),
  database: registrationSchema,
};
