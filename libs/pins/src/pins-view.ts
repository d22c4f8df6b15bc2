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

/**
 * A pins node's view of every tenant's protected domains and pin config version, rebuilt from the compacted pins
 * topic on every start (a consumer group per node: every node sees every event) and kept current by push: a
 * rotation reaches every node's configs as its event arrives, with no polling and no shared cache.
 */
export class PinsView {
  readonly nodeId: string;
  private readonly domainsByTenant = new Map<string, Map<string, Domain>>();
  private readonly versions = new Map<string, number>();

  constructor(options: { nodeId?: string | undefined } = {}) {
    this.nodeId = options.nodeId ?? defaultViewNodeId();
  }

  /** The tenant's pin config version, or 0 while it has no protected domain yet. */
  versionOf(tenant: string): number {
    return this.versions.get(tenant) ?? 0;
  }

  /** What the app's config holds: the tenant's domains for every app or naming this one, ordered by pattern. */
  contentFor(tenant: string, appId: string): PinConfigContent {
    const domains = [...(this.domainsByTenant.get(tenant)?.values() ?? [])]
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
      version: this.versionOf(tenant),
      domains: [...byPattern].map(([pattern, pins]) => ({ pattern, pins: [...pins] })),
    };
  }

  /** Every protected domain the view holds, with its tenant (for metrics). */
  *allDomains(): Generator<{ tenant: string; domain: Domain }> {
    for (const [tenant, domains] of this.domainsByTenant) {
      for (const domain of domains.values()) yield { tenant, domain };
    }
  }

  applyDomain(tenant: string, domain: Domain): void {
    let domains = this.domainsByTenant.get(tenant);
    if (!domains) {
      domains = new Map();
      this.domainsByTenant.set(tenant, domains);
    }
    domains.set(domain.domainId, domain);
  }

  applyVersion(tenant: string, data: EventData<typeof PinConfigVersionUpsertedV1>): void {
    // Redeliveries and replays never lower it.
    if (data.version > this.versionOf(tenant)) this.versions.set(tenant, data.version);
  }

  /** A tombstone on the pins topic: `<tenant>/protected-domain/<id>` removes the domain. */
  applyTombstone(key: string): void {
    const match = /^([a-z0-9][a-z0-9-]{0,62})\/protected-domain\/([0-9a-f-]{36})$/.exec(key);
    if (match?.[1] && match[2]) {
      this.domainsByTenant.get(match[1])?.delete(match[2]);
      return;
    }
    if (!/^[a-z0-9][a-z0-9-]{0,62}\/[a-z-]+\/[A-Za-z0-9-]+$/.test(key)) {
      throw new PermanentEventError(`a tombstone on ${key}, which names no entity of the pins topic`);
    }
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
