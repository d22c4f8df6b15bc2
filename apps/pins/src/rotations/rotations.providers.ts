import type { Provider } from '@nestjs/common';
import { IntervalWorker, ServiceLifecycle } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import { RotationClock } from './rotation-clock';
import { RotationsService } from './rotations.service';

/** How often the service looks for scheduled rotations that have come due: a rotation is published within it. */
const DUE_ROTATIONS_INTERVAL_MS = 1000;

const ROTATION_PUBLISHER = Symbol('ROTATION_PUBLISHER');

/** The rotations' providers: the service, its clock, and the worker that publishes scheduled rotations when due. */
export function rotationProviders(logger: Logger): Provider[] {
  return [
    RotationClock,
    RotationsService,
    {
      provide: ROTATION_PUBLISHER,
      inject: [ServiceLifecycle, RotationsService],
      useFactory: (lifecycle: ServiceLifecycle, rotations: RotationsService) => {
        const log = logger.child({ component: 'rotation-publisher' });
        const worker = new IntervalWorker(
          'due pin rotations',
          DUE_ROTATIONS_INTERVAL_MS,
          async () => {
            const { published, failed } = await rotations.publishDue();
            if (published > 0) log.info({ published }, 'scheduled pin rotations published');
            for (const { rotationId, error } of failed) {
              log.warn({ err: error, rotationId }, 'scheduled pin rotation could not be published; will try again');
            }
          },
          log,
        );
        lifecycle.register(worker);
        return worker;
      },
    },
  ];
}
