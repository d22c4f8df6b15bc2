import { MessagingTablesV11795300000000 } from '@tessera/messaging';

/** Committed migrations of the integrity schema, oldest first. Run at startup, or with `npm run db:migrate`. */
export const integrityMigrations = [MessagingTablesV11795300000000];
