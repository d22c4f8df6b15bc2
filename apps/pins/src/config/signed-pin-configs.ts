import type { PinsView } from '@tessera/pins';
import { signPinConfig } from '@tessera/pins';
import type { PinConfigKeys } from './pin-config-keys';

interface Signed {
  config: string;
  version: number;
  /** What was signed (the domains and their pins, as JSON): a version is not enough to know the content by. */
  content: string;
  /** When to sign again (epoch ms): half-way through its lifetime, so no answer is a config about to expire. */
  renewAt: number;
}

/** Configs kept signed: one per app and version, the oldest forgotten past this many. */
const MAX_SIGNED = 10_000;

/**
 * Each app's signed pin config, from the node's PinsView and the tenant's key. A config is signed once per app,
 * version and content, and served from memory until half its lifetime has passed: a change of the tenant's domains
 * raises its version, so the next request signs the new content — invalidated by the events, not by a timer. The
 * content is compared too: the version and the domain arrive as two events on different partitions of the pins
 * topic, so a node can hold the new version before the domain's new pins, and a config signed in between must not
 * stay served once the pins have arrived.
 */
export class SignedPinConfigs {
  private readonly signed = new Map<string, Signed>();

  constructor(
    private readonly view: PinsView,
    private readonly keys: PinConfigKeys,
    private readonly lifetimeSeconds: number,
  ) {}

  async configFor(tenant: string, appId: string, now = Date.now()): Promise<{ config: string; version: number }> {
    const content = this.view.contentFor(tenant, appId);
    const cacheKey = `${tenant}/${appId}`;
    const signedContent = JSON.stringify(content.domains);
    const cached = this.signed.get(cacheKey);
    if (cached && cached.version === content.version && cached.content === signedContent && cached.renewAt > now)
      return cached;
    const { key } = await this.keys.signingKey(tenant);
    const iat = Math.floor(now / 1000);
    const config = await signPinConfig(
      { tenant, appId, version: content.version, iat, exp: iat + this.lifetimeSeconds, domains: content.domains },
      key,
    );
    const entry = {
      config,
      version: content.version,
      content: signedContent,
      renewAt: now + (this.lifetimeSeconds * 1000) / 2,
    };
    this.signed.delete(cacheKey);
    this.signed.set(cacheKey, entry);
    if (this.signed.size > MAX_SIGNED) this.signed.delete(this.signed.keys().next().value as string);
    return entry;
  }
}
