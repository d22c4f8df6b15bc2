export * from './backoff';
export * from './with-deadline';
