export * from './pin-config';
export * from './pin-shapes';
