import type { ServiceDefinition } from '@tessera/service-runtime';
import { verifierConfigSchema } from './verifier.config';
import { VerifierModule } from './verifier.module';

export const verifierService: ServiceDefinition<typeof verifierConfigSchema> = {
  service: 'verifier',
  configSchema: verifierConfigSchema,
  module: (config, logger) => VerifierModule.register(config, logger),
};
