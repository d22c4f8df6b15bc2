/**
 * Thrown by a handler for an event it can never apply (as opposed to a transient failure such as a database
 * restart, which is retried): the event goes to the dead-letter topic and the consumer moves on.
 */
export class PermanentEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentEventError';
  }
}
