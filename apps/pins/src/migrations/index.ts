import { MessagingTablesV11795300000000 } from '@tessera/messaging';

/** Committed migrations of the pins schema, oldest first. Run at startup, or with `npm run db:migrate`. */
export const pinsMigrations = [MessagingTablesV11795300000000];
