import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import { tokenSchema } from './migrations';
import type { TokenConfig } from './token.config';

/** The token service: signing keys, rotation, JWKS and token issuance. */
@Module({})
export class TokenModule {
  static register(config: TokenConfig, logger: Logger): DynamicModule {
    return {
      module: TokenModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          service: 'token',
          config,
          logger,
          database: tokenSchema,
        }),
      ],
    };
  }
}
