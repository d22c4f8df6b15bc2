export * from './known-api-key-directory';
export * from './known-api-key-tables';
export * from './known-api-keys';
