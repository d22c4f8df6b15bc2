export * from './error-report';
export * from './format';
export * from './printer';
export * from './table';
