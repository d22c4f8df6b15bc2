import { type SealedValue, SecureStringUpsertedV1, Topics } from '@tessera/contracts';
import { type EventConsumer, type ViewConsumerOptions, viewConsumer, defaultViewNodeId } from '@tessera/messaging';

export interface SealedSecureString {
  secureStringId: string;
  name: string;
  version: number;
  sealed: SealedValue;
}

/**
 * Every app's secure strings as the registry topic carries them — sealed under the KEK, never in the clear — for a
 * service that hands them to attested apps (the pins service, with the app's pin config). A node's own view: a
 * consumer group per node, from the beginning; a tombstone removes a string.
 */
export class SecureStringsView {
  readonly nodeId: string;
  private readonly nodeIdConfigured: boolean;
  /** `<tenant>/<appId>` → name → the sealed string. */
  private readonly byApp = new Map<string, Map<string, SealedSecureString>>();
  /** `<tenant>/<secureStringId>` → its app key and name, for the tombstone. */
  private readonly byId = new Map<string, { app: string; name: string }>();

  constructor(options: { nodeId?: string | undefined } = {}) {
    this.nodeId = options.nodeId ?? defaultViewNodeId();
    this.nodeIdConfigured = options.nodeId !== undefined;
  }

  /** The app's secure strings, sealed, by name. */
  of(tenant: string, appId: string): readonly SealedSecureString[] {
    return [...(this.byApp.get(`${tenant}/${appId}`)?.values() ?? [])];
  }

  apply(tenant: string, data: SealedSecureString & { appId: string }): void {
    const app = `${tenant}/${data.appId}`;
    const id = `${tenant}/${data.secureStringId}`;
    const previous = this.byId.get(id);
    if (previous) this.byApp.get(previous.app)?.delete(previous.name);
    let strings = this.byApp.get(app);
    if (!strings) {
      strings = new Map();
      this.byApp.set(app, strings);
    }
    strings.set(data.name, {
      secureStringId: data.secureStringId,
      name: data.name,
      version: data.version,
      sealed: data.sealed,
    });
    this.byId.set(id, { app, name: data.name });
  }

  /** A tombstone on the registry topic: `<tenant>/secure-string/<id>` removes it; others mean nothing here. */
  applyTombstone(key: string): void {
    const match = /^([a-z0-9][a-z0-9-]{0,62})\/secure-string\/([0-9a-f-]{36})$/.exec(key);
    if (!match) return;
    const id = `${match[1]}/${match[2]}`;
    const held = this.byId.get(id);
    if (!held) return;
    const strings = this.byApp.get(held.app);
    if (strings?.get(held.name)?.secureStringId === match[2]) strings?.delete(held.name);
    this.byId.delete(id);
  }

  consumer(options: ViewConsumerOptions): EventConsumer<undefined> {
    return viewConsumer({
      ...options,
      nodeIdConfigured: this.nodeIdConfigured,
      groupId: `${options.topicPrefix}tessera-secure-strings-view-${this.nodeId}`,
      topics: [Topics.registry],
    })
      .on(SecureStringUpsertedV1, (event) => {
        this.apply(event.tenant, event.data);
        return Promise.resolve();
      })
      .onTombstone(Topics.registry, ({ key }) => {
        this.applyTombstone(key);
        return Promise.resolve();
      });
  }
}
