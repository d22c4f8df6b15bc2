export * from './api-key';
export * from './authenticate';
export * from './roles';
