export * from './revocation-index';
export * from './token-verifier';
export * from './verification-key-set';
export * from './verification-reasons';
export * from './verified-token-cache';
