import type { Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import { IntervalWorker, MetricsRegistry, RateLimits, ServiceLifecycle } from '@tessera/service-runtime';
import type { PinsConfig } from '../pins.config';
import { PinReportsController } from './pin-reports.controller';
import { PinViolationMetrics } from './pin-violation-metrics';
import { PinViolationReportController } from './pin-violation-report.controller';
import { PinViolationReports } from './pin-violation-reports';

const PIN_REPORT_RETENTION = Symbol('PIN_REPORT_RETENTION');

/** The controllers of pin-violation reports: the SDK's public endpoint and the admin API's. */
export const pinReportControllers = [PinViolationReportController, PinReportsController];

/** What they need beyond the pins module's store, view and token verifier. */
export function pinReportProviders(config: PinsConfig, logger: Logger): Provider[] {
  return [
    PinViolationReports,
    {
      // Reports older than PINS_REPORT_RETENTION_DAYS are deleted at start and hourly.
      provide: PIN_REPORT_RETENTION,
      inject: [ServiceLifecycle, PinViolationReports],
      useFactory: (lifecycle: ServiceLifecycle, reports: PinViolationReports) => {
        const retention = new IntervalWorker(
          'pin-violation report retention',
          60 * 60 * 1000,
          async () => {
            const purged = await reports.purgeOlderThan(config.PINS_REPORT_RETENTION_DAYS);
            if (purged > 0)
              logger.info(
                { purged, retentionDays: config.PINS_REPORT_RETENTION_DAYS },
                'old pin-violation reports deleted',
              );
          },
          logger,
          { runAtStart: true },
        );
        lifecycle.register(retention);
        return retention;
      },
    },
    {
      provide: PinViolationMetrics,
      inject: [MetricsRegistry],
      useFactory: (metrics: MetricsRegistry) => new PinViolationMetrics(metrics.registry),
    },
    {
      provide: RateLimits,
      useFactory: () =>
        new RateLimits(['report'], {
          perIpPerMinute: config.PINS_REPORT_RATE_LIMIT_PER_IP,
          perAppPerMinute: config.PINS_REPORT_RATE_LIMIT_PER_APP,
        }),
    },
  ];
}
