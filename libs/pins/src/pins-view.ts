import {
  type EventData,
  type Pin,
  PinConfigVersionUpsertedV1,
  ProtectedDomainUpsertedV1,
  Topics,
} from '@tessera/contracts';
import {
  type EventConsumer,
  PermanentEventError,
  type ViewConsumerOptions,
  viewConsumer,
  defaultViewNodeId,
} from '@tessera/messaging';

type Domain = EventData<typeof ProtectedDomainUpsertedV1>;

/** What an app's pin config says, before it is signed: its version and, per domain pattern, the pins. */
export interface PinConfigContent {
  version: number;
  domains: { pattern: string; pins: Pin[] }[];
}

type VersionEvent = EventData<typeof PinConfigVersionUpsertedV1>;

/** What a node serves for a tenant: a version and a copy of the domains it stands for. */
interface ServedPins {
  version: number;
  domains: ReadonlyMap<string, Domain>;
  /** The domains were exactly those the version names (false: served after waiting too long for them). */
  exact: boolean;
}

interface TenantPins {
  /** Every domain as its latest event says. */
  domains: Map<string, Domain>;
  /** The newest version event. */
  announced: VersionEvent | undefined;
  served: ServedPins;
  /** When the announced version started waiting for its domains (epoch ms). */
  waitingSince: number | undefined;
}

/** A version served without all the domains it names, after waiting `waitedMs` for them. */
export interface PinsVersionServedInexactly {
  tenant: string;
  version: number;
  waitedMs: number;
  /** The named domains not held at the named revision. */
  missing: string[];
}

export interface PinsViewOptions {
  nodeId?: string | undefined;
  /**
   * How long a version may wait for the domain events it names before it is served with the domains held (default
   * 30 s). They come a few ms apart; one that never comes (a dead letter) must not freeze the tenant's pins.
   */
  maxWaitMs?: number;
  /** Told when that happens, for an error log: an operator has a domain event to find. */
  onServedInexactly?: (event: PinsVersionServedInexactly) => void;
  /** The clock (epoch ms), for tests. */
  now?: () => number;
}

const DEFAULT_MAX_WAIT_MS = 30_000;

/**
 * A pins node's view of every tenant's protected domains and pin config version, rebuilt from the compacted pins
 * topic on every start (a consumer group per node: every node sees every event) and kept current by push: a
 * rotation reaches every node's configs as its event arrives, with no polling and no shared cache.
 *
 * The version and the domains come on different partitions, so either can arrive first. A version is served only
 * once the view holds exactly the domain revisions its event names; until then the previous version is served with
 * the domains it stood for. So a version number always means one content on every node: an SDK that fetched
 * version N has the pins of N, and fetches again only for N+1. A version whose domains do not all come within
 * `maxWaitMs` is served with those held, and said (`onServedInexactly`, and the waiting-versions metric until then).
 */
export class PinsView {
  readonly nodeId: string;
  private readonly nodeIdConfigured: boolean;
  private readonly tenants = new Map<string, TenantPins>();
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  private readonly onServedInexactly: (event: PinsVersionServedInexactly) => void;

  constructor(options: PinsViewOptions = {}) {
    this.nodeId = options.nodeId ?? defaultViewNodeId();
    this.nodeIdConfigured = options.nodeId !== undefined;
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.now = options.now ?? Date.now;
    this.onServedInexactly = options.onServedInexactly ?? (() => undefined);
  }

  /** The tenant's pin config version served, or 0 while it has none yet. */
  versionOf(tenant: string): number {
    return this.servedOf(tenant)?.version ?? 0;
  }

  /** The newest version announced, which may wait for its domains' events (for diagnostics and tests). */
  announcedVersionOf(tenant: string): number {
    return this.tenants.get(tenant)?.announced?.version ?? 0;
  }

  /** What the app's config holds: the tenant's domains for every app or naming this one, ordered by pattern. */
  contentFor(tenant: string, appId: string): PinConfigContent {
    const served = this.servedOf(tenant);
    const domains = [...(served?.domains.values() ?? [])]
      .filter((domain) => domain.appIds === null || domain.appIds.includes(appId))
      .sort((a, b) => a.pattern.localeCompare(b.pattern) || a.port - b.port);
    // One entry a pattern: the SDK pins host names, whatever the port; several ports' pins are all accepted.
    const byPattern = new Map<string, Set<Pin>>();
    for (const domain of domains) {
      const pins = byPattern.get(domain.pattern) ?? new Set<Pin>();
      for (const pin of domain.pins) pins.add(pin.pin);
      byPattern.set(domain.pattern, pins);
    }
    return {
      version: served?.version ?? 0,
      domains: [...byPattern].map(([pattern, pins]) => ({ pattern, pins: [...pins] })),
    };
  }

  /**
   * Each tenant's version served and the newest announced (for metrics): a gap that lasts means a domain event the
   * announced version names has not arrived (a consumer behind, or a dead-lettered event).
   */
  *versions(): Generator<{ tenant: string; served: number; announced: number }> {
    for (const [tenant, pins] of this.tenants) {
      this.settle(pins, tenant);
      yield { tenant, served: pins.served.version, announced: pins.announced?.version ?? 0 };
    }
  }

  /** Every protected domain the view holds, with its tenant (for metrics). */
  *allDomains(): Generator<{ tenant: string; domain: Domain }> {
    for (const [tenant, { domains }] of this.tenants) {
      for (const domain of domains.values()) yield { tenant, domain };
    }
  }

  applyDomain(tenant: string, domain: Domain): void {
    const pins = this.tenant(tenant);
    const held = pins.domains.get(domain.domainId);
    // A redelivery of an older revision never goes back.
    if (held && held.revision > domain.revision) return;
    pins.domains.set(domain.domainId, domain);
    this.settle(pins, tenant);
  }

  applyVersion(tenant: string, data: VersionEvent): void {
    const pins = this.tenant(tenant);
    // Redeliveries and replays never lower it.
    if (pins.announced && data.version <= pins.announced.version) return;
    pins.announced = data;
    // Each version waits its own time for its domains.
    pins.waitingSince = undefined;
    this.settle(pins, tenant);
  }

  /** A tombstone on the pins topic: `<tenant>/protected-domain/<id>` removes the domain. */
  applyTombstone(key: string): void {
    const match = /^([a-z0-9][a-z0-9-]{0,62})\/protected-domain\/([0-9a-f-]{36})$/.exec(key);
    if (match?.[1] && match[2]) {
      const pins = this.tenants.get(match[1]);
      if (pins?.domains.delete(match[2])) this.settle(pins, match[1]);
      return;
    }
    if (!/^[a-z0-9][a-z0-9-]{0,62}\/[a-z-]+\/[A-Za-z0-9-]+$/.test(key)) {
      throw new PermanentEventError(`a tombstone on ${key}, which names no entity of the pins topic`);
    }
  }

  private tenant(tenant: string): TenantPins {
    let pins = this.tenants.get(tenant);
    if (!pins) {
      pins = {
        domains: new Map(),
        announced: undefined,
        served: { version: 0, domains: new Map(), exact: true },
        waitingSince: undefined,
      };
      this.tenants.set(tenant, pins);
    }
    return pins;
  }

  /** What the tenant's configs hold now (a version waiting too long is served here, at the first ask after). */
  private servedOf(tenant: string): ServedPins | undefined {
    const pins = this.tenants.get(tenant);
    if (!pins) return undefined;
    this.settle(pins, tenant);
    return pins.served;
  }

  /**
   * Serves the announced version once the domains held are exactly the ones it names; after `maxWaitMs` without
   * them, with the domains held (and again at each change until they are exact).
   */
  private settle(pins: TenantPins, tenant: string): void {
    const announced = pins.announced;
    if (!announced || (pins.served.version >= announced.version && pins.served.exact)) return;
    const revisions = announced.domainRevisions;
    // An event from before versions named their domains stands for the domains held when it comes.
    if (revisions === undefined || holdsExactly(pins.domains, revisions)) {
      pins.served = { version: announced.version, domains: new Map(pins.domains), exact: true };
      pins.waitingSince = undefined;
      return;
    }
    const now = this.now();
    pins.waitingSince ??= now;
    const servedInexactly = pins.served.version === announced.version;
    if (!servedInexactly && now - pins.waitingSince < this.maxWaitMs) return;
    pins.served = { version: announced.version, domains: new Map(pins.domains), exact: false };
    if (!servedInexactly) {
      const missing = Object.entries(revisions)
        .filter(([id, revision]) => pins.domains.get(id)?.revision !== revision)
        .map(([id]) => id);
      this.onServedInexactly({ tenant, version: announced.version, waitedMs: now - pins.waitingSince, missing });
    }
  }

  consumer(options: ViewConsumerOptions): EventConsumer<undefined> {
    return viewConsumer({
      ...options,
      nodeIdConfigured: this.nodeIdConfigured,
      groupId: `${options.topicPrefix}tessera-pins-view-${this.nodeId}`,
      topics: [Topics.pins],
    })
      .on(ProtectedDomainUpsertedV1, (event) => {
        this.applyDomain(event.tenant, event.data);
        return Promise.resolve();
      })
      .on(PinConfigVersionUpsertedV1, (event) => {
        this.applyVersion(event.tenant, event.data);
        return Promise.resolve();
      })
      .onTombstone(Topics.pins, ({ key }) => {
        this.applyTombstone(key);
        return Promise.resolve();
      });
  }
}

function holdsExactly(domains: ReadonlyMap<string, Domain>, revisions: Readonly<Record<string, number>>): boolean {
  const named = Object.entries(revisions);
  if (named.length !== domains.size) return false;
  return named.every(([id, revision]) => domains.get(id)?.revision === revision);
}
