export * from './admin-api-client';
export * from './api-errors';
export * from './paging';
export * from './requests';
export * from './views';
