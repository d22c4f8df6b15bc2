import type { OutboxWriter } from '@tessera/messaging';
import type { BackgroundWorker } from '@tessera/service-runtime';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { installBootstrapKey } from './bootstrap';

/** Installs TESSERA_BOOTSTRAP_ADMIN_KEY once the schema is migrated (retried by the lifecycle until it succeeds). */
export class BootstrapKeyWorker implements BackgroundWorker {
  readonly name = 'bootstrap-admin-key';
  private done = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly schema: string,
    private readonly tenantId: string,
    private readonly key: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.done) return;
    const outcome = await installBootstrapKey(this.dataSource, this.outbox, this.schema, this.tenantId, this.key);
    this.logger.info(
      { tenant: this.tenantId, outcome },
      outcome === 'installed'
        ? 'bootstrap admin key installed'
        : 'TESSERA_BOOTSTRAP_ADMIN_KEY ignored: the tenant has API keys already',
    );
    this.done = true;
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  isHealthy(): boolean {
    return this.done;
  }
}
