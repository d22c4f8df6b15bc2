// Node-only parts of the SDK; the React Native entry (`@tessera/sdk`) never imports this folder.
export * from './file-key-store';
export * from './pinned-agent';
