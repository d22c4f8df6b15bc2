export * from './evidence-header';
export * from './installation-id';
export * from './sign-evidence';
export * from './verify-evidence';
