export * from './portable';
export * from './certificate-expiry';
export * from './certificate-pins';
export * from './pin-set-rotation';
export * from './pin-set-rules';
export * from './pins-view';
export * from './served-chain';
