export * from './envelope';
export * from './event-catalog';
export * from './event-definition';
export * from './events';
export * from './identifiers';
export * from './requests';
export * from './tokens';
export * from './topics';
