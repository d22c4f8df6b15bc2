import type { SchemaContents } from '@tessera/database';
import { MessagingTablesV11795300000000 } from '@tessera/messaging';
import { AccessTables1795400000000 } from './1795400000000-access-tables';
import { AppTables1795500000000 } from './1795500000000-app-tables';
import { RegistrationTables1795510000000 } from './1795510000000-registration-tables';
import { PolicyTables1795520000000 } from './1795520000000-policy-tables';
import { DeviceOverrideTables1795520000001 } from './1795520000001-device-override-tables';
import { SecureStringTables1795530000000 } from './1795530000000-secure-string-tables';
import { RevocationTables1795540000000 } from './1795540000000-revocation-tables';
import { ApiKeyPublication1795550000000 } from './1795550000000-api-key-publication';

/** The registration schema: its entities and committed migrations, oldest first. Run at startup, or with `main.js migrate`. */
export const registrationSchema: SchemaContents = {
  entities: [],
  migrations: [
    MessagingTablesV11795300000000,
    AccessTables1795400000000,
    AppTables1795500000000,
    RegistrationTables1795510000000,
    PolicyTables1795520000000,
    DeviceOverrideTables1795520000001,
    SecureStringTables1795530000000,
    RevocationTables1795540000000,
    ApiKeyPublication1795550000000,
  ],
};
