import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import { integritySchema } from './migrations';
import type { IntegrityConfig } from './integrity.config';

/** The integrity service: challenges, evidence verification and policy evaluation; the SDK attestation endpoints. */
@Module({})
export class IntegrityModule {
  static register(config: IntegrityConfig, logger: Logger): DynamicModule {
    return {
      module: IntegrityModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          service: 'integrity',
          config,
          logger,
          database: integritySchema,
        }),
      ],
    };
  }
}
