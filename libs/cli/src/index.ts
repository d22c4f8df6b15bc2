export * from './api';
export * from './cli-io';
export * from './config';
export * from './errors';
export * from './exit-codes';
export * from './output';
export * from './program';
export * from './run-cli';
