export * from './admin-api-client';
export * from './api-errors';
export * from './paging';
export * from './pins-requests';
export * from './pins-views';
export * from './requests';
export * from './views';
