export * from './portable';
export * from './certificate-pins';
export * from './pin-set-rules';
export * from './pin-set-rotation';
export * from './served-chain';
export * from './certificate-expiry';
