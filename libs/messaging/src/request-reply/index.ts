export * from './request-errors';
export * from './request-handler-error';
export * from './request-headers';
