import type { Provider } from '@nestjs/common';
import { MetricsRegistry, RateLimits } from '@tessera/service-runtime';
import type { PinsConfig } from '../pins.config';
import { PinReportsController } from './pin-reports.controller';
import { PinViolationMetrics } from './pin-violation-metrics';
import { PinViolationReportController } from './pin-violation-report.controller';
import { PinViolationReports } from './pin-violation-reports';

/** The controllers of pin-violation reports: the SDK's public endpoint and the admin API's. */
export const pinReportControllers = [PinViolationReportController, PinReportsController];

/** What they need beyond the pins module's store, view and token verifier. */
export function pinReportProviders(config: PinsConfig): Provider[] {
  return [
    PinViolationReports,
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
