import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceRuntimeModule } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import { AuditController, KeysController, TeamsController, TenantsController } from './access/admin.controllers';
import { AdminService } from './access/admin.service';
import { ApiKeyGuard } from './access/api-key.guard';
import { registrationSchema } from './migrations';
import type { RegistrationConfig } from './registration.config';

/** The registration service: tenants, teams, apps, registrations, policies, revocations; the admin API. */
@Module({})
export class RegistrationModule {
  static register(config: RegistrationConfig, logger: Logger): DynamicModule {
    return {
      module: RegistrationModule,
      imports: [
        ServiceRuntimeModule.forRoot({
          service: 'registration',
          config,
          logger,
          database: registrationSchema,
        }),
      ],
      controllers: [TenantsController, TeamsController, KeysController, AuditController],
      providers: [AdminService, ApiKeyGuard],
    };
  }
}
