export * from './database-connection';
export * from './database-settings';
export * from './schema-migrator';
export * from './quote-identifier';
export * from './returned-rows';
