import type { SchemaContents } from '@tessera/database';
import { MessagingTablesV11795300000000 } from '@tessera/messaging';
import { SigningKeyTables1795600000000 } from './1795600000000-signing-key-tables';
import { RegistryReadModel1795600000001 } from './1795600000001-registry-read-model';

/** The token schema: its entities and committed migrations, oldest first. Run at startup, or with `main.js migrate`. */
export const tokenSchema: SchemaContents = {
  entities: [],
  migrations: [MessagingTablesV11795300000000, SigningKeyTables1795600000000, RegistryReadModel1795600000001],
};
