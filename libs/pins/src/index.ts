export * from './portable';
