// Pure pieces of pinning that the SDK shares with the pins service: no node: imports (React Native).
export * from './domain-pattern';
export * from './spki-pin';
