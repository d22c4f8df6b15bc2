export * from './api-key';
export * from './roles';
