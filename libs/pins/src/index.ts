export * from './portable';
export * from './certificate-pins';
