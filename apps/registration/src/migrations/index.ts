import type { SchemaContents } from '@tessera/database';
import { MessagingTablesV11795300000000 } from '@tessera/messaging';
import { AccessTables1795400000000 } from './1795400000000-access-tables';
import { AppTables1795500000000 } from './1795500000000-app-tables';
import { SecureStringTables1795530000000 } from './1795530000000-secure-string-tables';
import { RevocationTables1795540000000 } from './1795540000000-revocation-tables';

/** The registration schema: its entities and committed migrations, oldest first. Run at startup, or with `main.js migrate`. */
export const registrationSchema: SchemaContents = {
  entities: [],
  migrations: [
    MessagingTablesV11795300000000,
    AccessTables1795400000000,
    AppTables1795500000000,
    SecureStringTables1795530000000,
    RevocationTables1795540000000,
  ],
};
