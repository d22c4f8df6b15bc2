export * from './config-error';
export * from './fields';
export * from './load-config';
export * from './redact';
export * from './service-config';
