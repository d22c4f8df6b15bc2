import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import type { VerifierConfig } from './verifier.config';

/** The verifier: token verification from an in-memory view of keys and revocations rebuilt from Kafka. */
@Module({})
export class VerifierModule {
  static register(config: VerifierConfig, logger: Logger): DynamicModule {
    return {
      module: VerifierModule,
      // It only reads topics, so it provisions none: verifier nodes need no admin rights on the cluster.
      imports: [ServiceRuntimeModule.forRoot({ service: 'verifier', config, logger, topics: [] })],
    };
  }
}
