import { type DynamicModule, Module } from '@nestjs/common';
import { Keyring } from '@tessera/sealing';
import {
  ApiKeyDirectory,
  ApiKeyGuard,
  MetricsRegistry,
  ServiceLifecycle,
  ServiceRuntimeModule,
} from '@tessera/service-runtime';
import type { Logger } from 'pino';
import { BootstrapKeyWorker } from './access/bootstrap-key.worker';
import { RegistryApiKeyDirectory } from './access/registry-api-key-directory';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { RepublishApiKeysWorker } from './api-keys/republish-api-keys.worker';
import { AppsController } from './apps/apps.controller';
import { AppsService } from './apps/apps.service';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { DeviceOverrideExpiry } from './device-overrides/device-override.expiry';
import { DeviceOverridesController } from './device-overrides/device-overrides.controller';
import { DeviceOverridesService } from './device-overrides/device-overrides.service';
import { EXPIRING_ENTITIES, type ExpiringEntity } from './expiry/expiring-entity';
import { ExpirySweeperWorker } from './expiry/expiry-sweeper.worker';
import { RegistrationExpiry } from './registrations/registration.expiry';
import { RegistrationsController } from './registrations/registrations.controller';
import { RegistrationsService } from './registrations/registrations.service';
import { AppPolicyController } from './policies/app-policy.controller';
import { AppPolicyService } from './policies/app-policy.service';
import { PoliciesController } from './policies/policies.controller';
import { PoliciesService } from './policies/policies.service';
import { RevocationExpiry } from './revocations/revocation.expiry';
import { RevocationsController } from './revocations/revocations.controller';
import { RevocationsService } from './revocations/revocations.service';
import { SecureStringsController } from './secure-strings/secure-strings.controller';
import { SecureStringsService } from './secure-strings/secure-strings.service';
import { TeamsController } from './teams/teams.controller';
import { TeamsService } from './teams/teams.service';
import { TenantsController } from './tenants/tenants.controller';
import { TenantsService } from './tenants/tenants.service';
import { registrationSchema } from './migrations';
import { RegistryStore } from './persistence/registry-store';
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
      controllers: [
        TenantsController,
        TeamsController,
        ApiKeysController,
        AppsController,
        RegistrationsController,
        AppPolicyController,
        PoliciesController,
        DeviceOverridesController,
        SecureStringsController,
        RevocationsController,
        AuditController,
      ],
      providers: [
        RegistryStore,
        TenantsService,
        TeamsService,
        ApiKeysService,
        AppsService,
        RegistrationsService,
        RegistrationExpiry,
        AppPolicyService,
        PoliciesService,
        DeviceOverridesService,
        DeviceOverrideExpiry,
        SecureStringsService,
        RevocationsService,
        RevocationExpiry,
        AuditService,
        // The shared guard authenticates against this service's own tables.
        { provide: ApiKeyDirectory, useClass: RegistryApiKeyDirectory },
        ApiKeyGuard,
        // Seals secrets at rest: the current KEK seals, the previous ones still open.
        { provide: Keyring, useFactory: () => new Keyring(config.TESSERA_KEK, config.TESSERA_KEK_PREVIOUS) },
        // Each area whose rows can expire adds its ExpiringEntity here.
        {
          provide: EXPIRING_ENTITIES,
          inject: [RegistrationExpiry, DeviceOverrideExpiry, RevocationExpiry],
          useFactory: (...entities: ExpiringEntity[]) => entities,
        },
        {
          provide: ExpirySweeperWorker,
          inject: [ServiceLifecycle, EXPIRING_ENTITIES, MetricsRegistry],
          useFactory: (lifecycle: ServiceLifecycle, entities: ExpiringEntity[], metrics: MetricsRegistry) => {
            const worker = new ExpirySweeperWorker(
              entities,
              config.EXPIRY_SWEEP_INTERVAL_MS,
              logger.child({ component: 'expiry-sweeper' }),
              metrics.registry,
            );
            lifecycle.register(worker);
            return worker;
          },
        },
        // Keys made before keys were published as events get theirs once (nothing to do after the first run).
        {
          provide: RepublishApiKeysWorker,
          inject: [ServiceLifecycle, RegistryStore],
          useFactory: (lifecycle: ServiceLifecycle, store: RegistryStore) => {
            const worker = new RepublishApiKeysWorker(
              store.dataSource,
              store.outbox,
              store.schema,
              logger.child({ component: 'republish-api-keys' }),
            );
            lifecycle.register(worker);
            return worker;
          },
        },
        {
          provide: BootstrapKeyWorker,
          inject: [ServiceLifecycle, RegistryStore],
          useFactory: (lifecycle: ServiceLifecycle, store: RegistryStore) => {
            const tenant = config.TESSERA_BOOTSTRAP_TENANT;
            const key = config.TESSERA_BOOTSTRAP_ADMIN_KEY;
            if (!tenant || !key) return undefined;
            const worker = new BootstrapKeyWorker(
              store.dataSource,
              store.outbox,
              store.schema,
              tenant,
              key,
              logger.child({ component: 'bootstrap' }),
            );
            lifecycle.register(worker);
            return worker;
          },
        },
      ],
    };
  }
}
