import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { freePort, processCpuSeconds, runToEnd, ServiceChild } from './service-child';
import { TokenSupply } from './token-supply';
import { acceptsToken } from './verifier-client';

const root = path.resolve(__dirname, '..', '..', '..');
const entryOf = (service: string) => path.join(root, 'dist', 'apps', service, 'src', 'main.js');

export interface ServicePlatformOptions {
  brokers: string;
  databaseUrl: string;
  /** Short lower-case name of the benchmark, in the prefix and schema names. */
  label: string;
  verifierNodes: number;
  /** Start the integrity service too (its schema, its registry view), with `integritySettings` in its environment. */
  integrity?: boolean;
  integritySettings?: Record<string, string>;
  /**
   * Pins nodes to start (default none): nodes of one pins service, so one schema and one KEK, each its own process
   * with a view of its own of the topics; `pinsSettings` go into their environment.
   */
  pinsNodes?: number;
  pinsSettings?: Record<string, string>;
  /** LOG_LEVEL of every service (the benchmarks use warn: no access log line per request). */
  logLevel: string;
}

/**
 * The registration and token services, verifier nodes and optionally the integrity service and pins nodes, each from the build as its own process (the way an
 * operator runs them), on a topic prefix and database schemas of their own, with a tenant bootstrapped through the
 * registration service (its admin key at hand) whose signing keys every node knows. stop() removes the processes,
 * the schemas, the topics and the consumer groups.
 */
export class ServicePlatform {
  readonly suffix = randomBytes(4).toString('hex');
  readonly topicPrefix: string;
  readonly tenant: string;
  readonly verifiers: ServiceChild[] = [];
  /** The pins nodes, in the order started (the first one ran the migrations). */
  readonly pinsNodes: ServiceChild[] = [];
  adminKey = '';
  private registration: ServiceChild | undefined;
  private tokenService: ServiceChild | undefined;
  integrityService: ServiceChild | undefined;
  private supply: TokenSupply | undefined;
  private readonly schemas: string[];

  private constructor(private readonly options: ServicePlatformOptions) {
    this.topicPrefix = `bench-${options.label}-${this.suffix}.`;
    this.tenant = `bench-${this.suffix}`;
    this.schemas = [
      `bench_${options.label}_reg_${this.suffix}`,
      `bench_${options.label}_tok_${this.suffix}`,
      `bench_${options.label}_int_${this.suffix}`,
      `bench_${options.label}_pin_${this.suffix}`,
    ];
  }

  static async start(options: ServicePlatformOptions): Promise<ServicePlatform> {
    const platform = new ServicePlatform(options);
    try {
      await platform.startProcesses();
      return platform;
    } catch (error) {
      await platform.stop();
      throw error;
    }
  }

  /** Issues genuine tokens of the tenant. */
  get tokens(): TokenSupply {
    if (!this.supply) throw new Error('the platform is not started');
    return this.supply;
  }

  /** CPU seconds the token service has used so far (null where there is no /proc). */
  async tokenCpuSeconds(): Promise<number | null> {
    return this.tokenService ? processCpuSeconds(this.tokenService.pid) : null;
  }

  get registrationUrl(): string {
    if (!this.registration) throw new Error('the platform is not started');
    return this.registration.url;
  }

  private async startProcesses(): Promise<void> {
    const { brokers, databaseUrl, verifierNodes } = this.options;
    const [registrationSchema = '', tokenSchema = '', integritySchema = '', pinsSchema = ''] = this.schemas;
    const common = {
      PATH: process.env.PATH ?? '',
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      LOG_LEVEL: this.options.logLevel,
    };
    const withDatabase = (schema: string) => ({
      ...common,
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      TESSERA_KEK: `bench-kek:${randomBytes(32).toString('base64')}`,
    });
    const registrationEnv = withDatabase(registrationSchema);
    const bootstrapped = await runToEnd(
      entryOf('registration'),
      ['bootstrap', '--tenant', this.tenant],
      registrationEnv,
    );
    if (bootstrapped.code !== 0) throw new Error(`bootstrap exited with ${bootstrapped.code}: ${bootstrapped.stderr}`);
    this.adminKey = (JSON.parse(bootstrapped.stdout) as { key: string }).key;

    // The registration service's relay publishes the tenant; the token service makes its keys when it arrives.
    // token.issued events are off: the benchmarks do not read them, and their outbox would compete for the cores.
    this.registration = ServiceChild.start(entryOf('registration'), await freePort(), registrationEnv);
    this.tokenService = ServiceChild.start(entryOf('token'), await freePort(), {
      ...withDatabase(tokenSchema),
      TOKEN_ISSUED_EVENTS: 'false',
    });
    await Promise.all([this.registration.waitUntilReady(60_000), this.tokenService.waitUntilReady(60_000)]);
    await this.waitForTenantKeys(this.tokenService.url, 30_000);
    if (this.options.integrity) {
      this.integrityService = ServiceChild.start(entryOf('integrity'), await freePort(), {
        ...withDatabase(integritySchema),
        ...this.options.integritySettings,
      });
      await this.integrityService.waitUntilReady(60_000);
    }

    await this.startPinsNodes({ ...withDatabase(pinsSchema), ...this.options.pinsSettings });

    for (let i = 0; i < verifierNodes; i++) {
      this.verifiers.push(
        ServiceChild.start(entryOf('verifier'), await freePort(), {
          ...common,
          VERIFIER_NODE_ID: `bench-node-${i}`,
        }),
      );
    }
    await Promise.all(this.verifiers.map((node) => node.waitUntilReady(60_000)));

    this.supply = new TokenSupply(brokers, this.topicPrefix, this.tenant);
    await this.supply.start();
    // Ready means caught up with the topics as they were; the probe proves each node holds the tenant's keys.
    const probe = await this.supply.issue();
    await Promise.all(this.verifiers.map((node) => waitUntilAccepted(node.url, probe, 30_000)));
  }

  /**
   * The pins nodes, all on one schema with one KEK (the nodes of one service: the configs' signing keys are sealed
   * under it, whichever node made them). The first one runs the migrations alone; the others start once it is ready.
   */
  private async startPinsNodes(env: Record<string, string>): Promise<void> {
    const count = this.options.pinsNodes ?? 0;
    for (let i = 0; i < count; i++) {
      this.pinsNodes.push(ServiceChild.start(entryOf('pins'), await freePort(), env));
      if (i === 0) await this.pinsNodes[0]?.waitUntilReady(60_000);
    }
    await Promise.all(this.pinsNodes.map((node) => node.waitUntilReady(60_000)));
  }

  private async waitForTenantKeys(tokenUrl: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const response = await fetch(`${tokenUrl}/tenants/${this.tenant}/.well-known/jwks.json`).catch(() => undefined);
      const body = response?.ok ? ((await response.json()) as { keys?: unknown[] }) : {};
      if ((body.keys?.length ?? 0) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the token service published no key of ${this.tenant} within ${timeoutMs} ms`);
  }

  /** Stops everything started, and removes the schemas, the topics of the prefix and its consumer groups. */
  async stop(): Promise<void> {
    await this.supply?.stop().catch(() => undefined);
    await Promise.all([...this.verifiers, ...this.pinsNodes].map((node) => node.stop()));
    await this.integrityService?.stop();
    await Promise.all([this.tokenService?.stop(), this.registration?.stop()]);
    const pool = new Pool({ connectionString: this.options.databaseUrl, max: 1 });
    try {
      for (const schema of this.schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await pool.end();
    }
    const kafka = new Kafka({
      brokers: this.options.brokers.split(','),
      clientId: 'bench',
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(this.topicPrefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
      const groups = (await admin.listGroups()).groups
        .map((group) => group.groupId)
        .filter((groupId) => groupId.includes(this.topicPrefix));
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  }
}

async function waitUntilAccepted(nodeUrl: string, token: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await acceptsToken(nodeUrl, token).catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${nodeUrl} did not accept a genuine token within ${timeoutMs} ms`);
}
