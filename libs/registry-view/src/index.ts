export * from './entity-key';
export * from './record-groups';
export * from './registry-view';
export * from './tenant-registry';
export * from './secure-strings-view';
