import type { MessagingLogger, PartitionEnds } from '@tessera/messaging';
import { withDeadline } from '@tessera/timing';
import type { Admin, Kafka } from 'kafkajs';
import type { ViewFreshness } from './view-freshness';

export interface FreshnessProbeOptions {
  kafka: Kafka;
  /** Full names of the topics the view is built from. */
  topics: readonly string[];
  freshness: ViewFreshness<readonly PartitionEnds[]>;
  /** How many of those ends the view has not applied yet (the view's consumer). */
  lagBehind: (ends: readonly PartitionEnds[]) => number;
  logger: MessagingLogger;
  intervalMs?: number;
}

/**
 * Reads the ends of the view's topics every `intervalMs` and tells the view's freshness, so that staleness grows
 * when the broker is away (no reading succeeds) or the view lags (readings are not met). A reading that does not
 * answer within the interval is given up: the broker is as good as away.
 */
export class FreshnessProbe {
  readonly name = 'view freshness probe';
  private readonly admin: Admin;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<PartitionEnds[]> | undefined;
  private wasStale = false;

  constructor(private readonly options: FreshnessProbeOptions) {
    this.admin = options.kafka.admin();
    this.intervalMs = options.intervalMs ?? 1000;
  }

  async start(): Promise<void> {
    await this.admin.connect();
    this.timer = setInterval(() => void this.probe(), this.intervalMs);
    this.timer.unref();
    await this.probe();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.admin.disconnect();
  }

  /** Ready unless the view is stale and the policy is to fail closed: then traffic is better sent elsewhere. */
  isHealthy(): boolean {
    return !this.options.freshness.refusesTokens();
  }

  /** One reading of the topics' ends. A reading still in flight (a broker gone silent) is not stacked behind. */
  async probe(): Promise<void> {
    const { freshness, lagBehind } = this.options;
    if (this.inFlight) {
      freshness.recheck(lagBehind);
      this.reportStaleness();
      return;
    }
    const readAt = Date.now();
    const reading = this.readEnds().finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = reading;
    try {
      const ends = await withDeadline(reading, this.intervalMs * 2, undefined);
      if (ends) freshness.observe(readAt, ends, lagBehind);
      else freshness.recheck(lagBehind);
    } catch {
      // The broker is away: staleness grows by itself; the consumer logs the connection errors.
      freshness.recheck(lagBehind);
    } finally {
      this.reportStaleness();
    }
  }

  private async readEnds(): Promise<PartitionEnds[]> {
    const ends: PartitionEnds[] = [];
    for (const topic of this.options.topics) {
      for (const partition of await this.admin.fetchTopicOffsets(topic)) {
        ends.push({ topic, partition: partition.partition, low: partition.low, high: partition.high });
      }
    }
    return ends;
  }

  private reportStaleness(): void {
    const { freshness, logger } = this.options;
    const stale = freshness.lastCurrentAt !== undefined && freshness.isStale();
    if (stale === this.wasStale) return;
    this.wasStale = stale;
    const details = {
      stalenessMs: Math.round(freshness.stalenessMs()),
      maxStalenessMs: freshness.policy.maxStalenessMs,
      whenStale: freshness.policy.whenStale,
    };
    if (stale) {
      logger.error(
        details,
        freshness.policy.whenStale === 'fail-closed'
          ? 'the view of keys and revocations is stale: refusing every token until it is current again'
          : 'the view of keys and revocations is stale: still deciding from it (keep-serving)',
      );
    } else {
      logger.info(details, 'the view of keys and revocations is current again');
    }
  }
}
