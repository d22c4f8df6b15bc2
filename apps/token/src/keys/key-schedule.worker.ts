import type { BackgroundWorker } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { TokenStore } from '../persistence/token-store';
import type { FailureKeyRing } from './failure-key-ring';
import type { SigningKeysService } from './signing-keys.service';

/**
 * Applies every tenant's key schedule on an interval (rotations, retirements, next keys published ahead) and
 * forgets failure keys whose tokens have expired. Several instances may run it: each tenant's change holds its
 * settings row, so they take turns. Also keeps the key-age gauges current.
 */
export class KeyScheduleWorker implements BackgroundWorker {
  readonly name = 'key-schedule';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly changes: Counter<'tenant'>;
  private readonly failures: Counter;
  private readonly keyAge: Gauge<'tenant' | 'state'>;

  constructor(
    private readonly keys: SigningKeysService,
    private readonly failureKeys: FailureKeyRing,
    private readonly store: TokenStore,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.changes = new Counter({
      name: 'tessera_signing_key_changes_total',
      help: 'Signing keys created or changed by the key schedule, by tenant',
      labelNames: ['tenant'],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'tessera_signing_key_schedule_failures_total',
      help: 'Key schedule passes that failed (retried at the next interval)',
      registers: [registry],
    });
    this.keyAge = new Gauge({
      name: 'tessera_signing_key_age_seconds',
      help: "Age of each tenant's active and next signing key (since it was created), and of its oldest retiring key",
      labelNames: ['tenant', 'state'],
      registers: [registry],
    });
  }

  start(): Promise<void> {
    // The first pass at once: a fresh deployment has keys before its first token request.
    this.running ??= this.runOnce().finally(() => (this.running = undefined));
    this.timer ??= setInterval(() => {
      this.running ??= this.runOnce().finally(() => (this.running = undefined));
    }, this.intervalMs);
    return Promise.resolve();
  }

  /** One pass over every tenant; a failing tenant is logged and retried next time, the others still run. */
  async runOnce(now: Date = new Date()): Promise<void> {
    // Each step on its own: one that fails is logged and retried next time, and the others still run.
    await this.step('apply the key schedule', async () => {
      for (const tenantId of await this.keys.tenants()) {
        try {
          const changed = await this.keys.applySchedule(tenantId, now);
          if (changed.length > 0) {
            this.changes.inc({ tenant: tenantId }, changed.length);
            this.logger.info({ tenant: tenantId, changed }, 'key schedule changed signing keys');
          }
        } catch (error) {
          this.failures.inc();
          this.logger.warn(
            { tenant: tenantId, err: error },
            'key schedule failed for a tenant; retrying next interval',
          );
        }
      }
    });
    await this.step('forget expired failure keys', async () => {
      const forgotten = await this.failureKeys.forgetExpired(now);
      if (forgotten > 0) this.logger.info({ forgotten }, 'forgot failure keys whose tokens have all expired');
    });
    await this.step('refresh key ages', () => this.refreshAges(now));
  }

  private async step(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.failures.inc();
      this.logger.warn({ err: error }, `could not ${what}; retrying next interval`);
    }
  }

  private async refreshAges(now: Date): Promise<void> {
    const rows = await this.store.dataSource.query<{ tenantId: string; state: string; createdAt: Date }[]>(
      `SELECT tenant_id AS "tenantId", state, min(created_at) AS "createdAt" FROM ${this.store.table('signing_key')}
       WHERE state IN ('next', 'active', 'retiring') GROUP BY tenant_id, state`,
    );
    this.keyAge.reset();
    for (const row of rows) {
      this.keyAge.set({ tenant: row.tenantId, state: row.state }, (now.getTime() - row.createdAt.getTime()) / 1000);
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
