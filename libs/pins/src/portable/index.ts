// What the SDK shares with the pins service (`@tessera/pins/portable`): no node: imports, so it runs on React Native.
export * from './domain-pattern';
export * from './sign-pin-config';
export * from './spki-pin';
export * from './verify-pin-config';
