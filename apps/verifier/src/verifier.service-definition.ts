import type { ServiceDefinition } from '@tessera/service-runtime';
import { verifierConfigSchema } from './verifier.config';
import { VerifierModule } from './verifier.module';

export const verifierService: ServiceDefinition<typeof verifierConfigSchema> = {
  service: 'verifier',
  configSchema: verifierConfigSchema,
  module: (config, logger) => VerifierModule.register(config, logger),
  // Decisions answer thousands of times a second: each is counted in tessera_verifier_decisions_total by reason,
  // and a refusal is logged at debug by the controller, not as an access line per request.
  unloggedPaths: ['/v1/auth', '/v1/verify', '/v1/envoy'],
};
