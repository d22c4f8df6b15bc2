import { positiveInt } from '@tessera/config';

const perMinute = (fallback: number) =>
  positiveInt(fallback, 'a number of requests per minute').refine(
    (n) => n <= 10_000_000,
    'expected at most 10000000 a minute',
  );

/** The settings of `POST /v1/pins/report`, spread into the pins service's config schema. */
export const pinReportSettings = {
  /**
   * Reports per minute from one client IP, per instance. A device under a MitM reports each host once per config
   * version; carrier-grade NAT puts many devices behind one address, hence the headroom.
   */
  PINS_REPORT_RATE_LIMIT_PER_IP: perMinute(120),
  /** Reports per minute in one app's name, per instance: a ceiling against a flood in an app's name. */
  PINS_REPORT_RATE_LIMIT_PER_APP: perMinute(60_000),
  /** How long reports are kept (the events on the pin-violations topic are the stream; these rows answer queries). */
  PINS_REPORT_RETENTION_DAYS: positiveInt(90, 'a number of days').refine(
    (days) => days <= 3650,
    'expected at most 3650 days',
  ),
};
