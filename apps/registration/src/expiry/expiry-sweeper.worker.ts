import type { BackgroundWorker } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { ExpiringEntity } from './expiring-entity';

/**
 * Ends what has expired without anyone acting: every interval, each expiring entity publishes tombstones and
 * audit entries for its expired rows. Consumers already treat an expired entity as absent from its `expiresAt`;
 * the sweep makes the compacted topics and the audit log say so too.
 */
export class ExpirySweeperWorker implements BackgroundWorker {
  readonly name = 'expiry-sweeper';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly swept: Counter<'kind'>;
  private readonly failures: Counter<'kind'>;

  constructor(
    private readonly entities: readonly ExpiringEntity[],
    private readonly intervalMs: number,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.swept = new Counter({
      name: 'tessera_registration_expired_total',
      help: 'Expired entities whose end the expiry sweeper published, by kind',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'tessera_registration_expiry_sweep_failures_total',
      help: 'Expiry sweeps that failed (retried at the next interval), by kind',
      labelNames: ['kind'],
      registers: [registry],
    });
  }

  start(): Promise<void> {
    this.timer ??= setInterval(() => {
      this.running ??= this.sweepAll().finally(() => (this.running = undefined));
    }, this.intervalMs);
    return Promise.resolve();
  }

  /** One pass over every entity; a failing one is logged and retried next time, the others still run. */
  async sweepAll(now: Date = new Date()): Promise<void> {
    for (const entity of this.entities) {
      try {
        const count = await entity.sweep(now);
        if (count > 0) {
          this.swept.inc({ kind: entity.kind }, count);
          this.logger.info({ kind: entity.kind, count }, 'published the end of expired entities');
        }
      } catch (error) {
        this.failures.inc({ kind: entity.kind });
        this.logger.warn({ kind: entity.kind, err: error }, 'expiry sweep failed; retrying at the next interval');
      }
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  isHealthy(): boolean {
    return this.timer !== undefined;
  }
}
