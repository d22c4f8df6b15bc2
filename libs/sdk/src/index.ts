// The React Native and Node entry: nothing here (or below) imports a node: module. Node-only parts: ./node.
export * from './device-signals';
export * from './errors';
export * from './installation-key';
export * from './memory-key-store';
export * from './pinning';
export * from './retry-floor';
export * from './simulated-device';
export * from './tessera-client';
export * from './tessera-token';
export * from './token-binding';
export * from './version';
