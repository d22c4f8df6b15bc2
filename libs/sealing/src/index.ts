export * from './aes-256-gcm';
export * from './key-encryption-key';
export * from './keyring';
export * from './sealing-error';
