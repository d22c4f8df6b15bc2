import { databaseServiceShape, kekShape, positiveInt, refineKekConfig } from '@tessera/config';
import { z } from 'zod';
import { pinReportSettings } from './reports/pin-reports.config';

export const pinsConfigSchema = z
  .object({
    ...databaseServiceShape(3004, 'pins'),
    /** Seals the keys that sign pin configs. */
    ...kekShape(),
    /**
     * How long a signed pin config is valid. It is also the longest an app may hold a config, so a rotation waits
     * this long between publishing a new pin and retiring the old one.
     */
    PINS_CONFIG_LIFETIME_SECONDS: positiveInt(86_400, 'a number of seconds').refine(
      (s) => s >= 60 && s <= 30 * 86_400,
      'expected 60 seconds to 30 days',
    ),
    ...pinReportSettings,
  })
  .superRefine(refineKekConfig);

export type PinsConfig = z.output<typeof pinsConfigSchema>;
