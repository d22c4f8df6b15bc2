// The outbox and consumers quote their tables' names as every service's SQL does.
export { quoteIdentifier } from '@tessera/database';
