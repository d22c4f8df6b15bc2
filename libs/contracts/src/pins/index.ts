export * from './pin-config';
export * from './pin-shapes';
export * from './pin-violation-report';
