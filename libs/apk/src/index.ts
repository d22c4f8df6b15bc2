export * from './apk-source';
export * from './read-apk-identity';
export type { ApkRefusalCode } from './refusal';
