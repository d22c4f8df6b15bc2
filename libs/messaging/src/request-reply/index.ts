export * from './kafka-requester';
export * from './kafka-responder';
export * from './request-errors';
export * from './request-handler-error';
export * from './request-headers';
