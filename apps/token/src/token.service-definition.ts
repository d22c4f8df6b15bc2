import type { ServiceDefinition } from '@tessera/service-runtime';
import { tokenConfigSchema } from './token.config';
import { tokenSchema } from './migrations';
import { TokenModule } from './token.module';

export const tokenService: ServiceDefinition<typeof tokenConfigSchema> = {
  service: 'token',
  configSchema: tokenConfigSchema,
  module: (config, logger) => TokenModule.register(config, logger),
  database: tokenSchema,
};
