export * from './config-store';
export * from './connection';
export * from './mask-key';
