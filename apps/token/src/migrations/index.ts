import { MessagingTablesV11795300000000 } from '@tessera/messaging';

/** Committed migrations of the token schema, oldest first. Run at startup, or with `npm run db:migrate`. */
export const tokenMigrations = [MessagingTablesV11795300000000];
