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

/** What a node serves for a tenant: a version and the domains it stands for. */
interface ServedPins {
  version: number;
  domains: ReadonlyMap<string, Domain>;
  /** A copy taken when the domains were exactly those the version names; else the live map (older events). */
  settled: boolean;
}

interface TenantPins {
  /** Every domain as its latest event says. */
  domains: Map<string, Domain>;
  /** The newest version event. */
  announced: VersionEvent | undefined;
  served: ServedPins;
}

/**
 * A pins node's view of every tenant's protected domains and pin config version, rebuilt from the compacted pins
 * topic on every start (a consumer group per node: every node sees every event) and kept current by push: a
 * rotation reaches every node's configs as its event arrives, with no polling and no shared cache.
 *
 * The version and the domains come on different partitions, so either can arrive first. A version is served only
 * once the view holds exactly the domain revisions its event names; until then the previous version is served with
 * the domains it stood for. So a version number always means one content on every node: an SDK that fetched
 * version N has the pins of N, and fetches again only for N+1.
 */
export class PinsView {
  readonly nodeId: string;
  private readonly tenants = new Map<string, TenantPins>();

  constructor(options: { nodeId?: string | undefined } = {}) {
    this.nodeId = options.nodeId ?? defaultViewNodeId();
  }

  /** The tenant's pin config version served, or 0 while it has none yet. */
  versionOf(tenant: string): number {
    return this.tenants.get(tenant)?.served.version ?? 0;
  }

  /** The newest version announced, which may wait for its domains' events (for diagnostics and tests). */
  announcedVersionOf(tenant: string): number {
    return this.tenants.get(tenant)?.announced?.version ?? 0;
  }

  /** What the app's config holds: the tenant's domains for every app or naming this one, ordered by pattern. */
  contentFor(tenant: string, appId: string): PinConfigContent {
    const served = this.tenants.get(tenant)?.served;
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
    this.settle(pins);
  }

  applyVersion(tenant: string, data: VersionEvent): void {
    const pins = this.tenant(tenant);
    // Redeliveries and replays never lower it.
    if (pins.announced && data.version <= pins.announced.version) return;
    pins.announced = data;
    this.settle(pins);
  }

  /** A tombstone on the pins topic: `<tenant>/protected-domain/<id>` removes the domain. */
  applyTombstone(key: string): void {
    const match = /^([a-z0-9][a-z0-9-]{0,62})\/protected-domain\/([0-9a-f-]{36})$/.exec(key);
    if (match?.[1] && match[2]) {
      const pins = this.tenants.get(match[1]);
      if (pins?.domains.delete(match[2])) this.settle(pins);
      return;
    }
    if (!/^[a-z0-9][a-z0-9-]{0,62}\/[a-z-]+\/[A-Za-z0-9-]+$/.test(key)) {
      throw new PermanentEventError(`a tombstone on ${key}, which names no entity of the pins topic`);
    }
  }

  private tenant(tenant: string): TenantPins {
    let pins = this.tenants.get(tenant);
    if (!pins) {
      const domains = new Map<string, Domain>();
      pins = { domains, announced: undefined, served: { version: 0, domains, settled: false } };
      this.tenants.set(tenant, pins);
    }
    return pins;
  }

  /** Serves the announced version once the domains held are exactly the ones it names. */
  private settle(pins: TenantPins): void {
    const announced = pins.announced;
    if (!announced) return;
    const revisions = announced.domainRevisions;
    if (revisions === undefined) {
      // An event from before versions named their domains: served at once, with the domains as they come.
      pins.served = { version: announced.version, domains: pins.domains, settled: false };
      return;
    }
    if (pins.served.settled && pins.served.version >= announced.version) return;
    if (!holdsExactly(pins.domains, revisions)) return;
    pins.served = { version: announced.version, domains: new Map(pins.domains), settled: true };
  }

  consumer(options: ViewConsumerOptions): EventConsumer<undefined> {
    return viewConsumer({
      ...options,
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
