import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import { pinsSchema } from './migrations';
import type { PinsConfig } from './pins.config';

/** The pins service: protected API domains, pin sets, rotations and signed pin configs. */
@Module({})
export class PinsModule {
  static register(config: PinsConfig, logger: Logger): DynamicModule {
    return {
      module: PinsModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          service: 'pins',
          config,
          logger,
          database: pinsSchema,
        }),
      ],
    };
  }
}
