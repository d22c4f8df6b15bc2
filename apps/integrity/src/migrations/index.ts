import type { SchemaContents } from '@tessera/database';
import { MessagingTablesV11795300000000 } from '@tessera/messaging';
import { ChallengeTable1795700000000 } from './1795700000000-challenge-table';

/** The integrity schema: its entities and committed migrations, oldest first. Run at startup, or with `main.js migrate`. */
export const integritySchema: SchemaContents = {
  entities: [],
  migrations: [MessagingTablesV11795300000000, ChallengeTable1795700000000],
};
