// Certificate pinning, portable (React Native too): the config in force, its updates, checks and reports.
export * from './pin-check';
export * from './pin-config-fetcher';
export * from './pin-config-store';
export * from './pin-violation-reporter';
export * from './secure-strings';
