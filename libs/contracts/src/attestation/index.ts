export * from './attestation-reasons';
export * from './sdk-exchange';
