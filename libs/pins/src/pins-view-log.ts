import type { PinsVersionServedInexactly } from './pins-view';

/** The error line a node logs when it serves a version without all its domains (PinsView's onServedInexactly). */
export function servedInexactlyLogger(logger: {
  error: (fields: object, message: string) => void;
}): (event: PinsVersionServedInexactly) => void {
  return (event) => {
    logger.error(
      { component: 'pins-view', ...event },
      'serving a pin config version without all the domains it names: their protected-domain events did not arrive (look for dead letters on the pins topic)',
    );
  };
}
