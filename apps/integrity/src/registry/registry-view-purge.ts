import type { RegistryView } from '@tessera/registry-view';
import { IntervalWorker } from '@tessera/service-runtime';
import type { Logger } from 'pino';

const EVERY_MS = 60_000;

/** Forgets expired registrations, overrides and revocations once a minute (they no longer count anyway). */
export function registryViewPurge(view: RegistryView, logger: Logger): IntervalWorker {
  return new IntervalWorker(
    'registry view purge',
    EVERY_MS,
    () => {
      view.purgeExpired(Date.now());
      return Promise.resolve();
    },
    logger,
  );
}
