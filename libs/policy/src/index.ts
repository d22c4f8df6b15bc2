export * from './kinds';
export * from './merge-rules';
export * from './presets';
export * from './rule-changes';
export * from './sdk-versions';
export * from './evaluation/attestation-facts';
export * from './evaluation/evaluate-attestation';
