export * from './config-error';
export * from './fields';
export * from './kek-config';
export * from './load-config';
export * from './redact';
export * from './service-config';
