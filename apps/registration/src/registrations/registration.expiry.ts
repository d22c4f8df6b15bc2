import { Inject, Injectable } from '@nestjs/common';
import { Topics } from '@tessera/contracts';
import { TableExpiry } from '../expiry/table-expiry';
import { RegistryStore } from '../persistence/registry-store';
import { registrationKey } from './publish-registration';
import {
  REGISTRATION_COLUMNS,
  type RegistrationRow,
  registrationSummary,
  type RegistrationView,
  registrationView,
} from './registration.view';

/** Publishes the end of expired registrations; the rows stay (listed with status=expired) until removed. */
@Injectable()
export class RegistrationExpiry extends TableExpiry<RegistrationRow, RegistrationView> {
  constructor(@Inject(RegistryStore) store: RegistryStore) {
    super(store, {
      kind: 'registration',
      table: 'registration',
      columns: REGISTRATION_COLUMNS,
      entity: registrationView,
      topic: Topics.registry,
      key: registrationKey,
      summary: registrationSummary,
    });
  }
}
