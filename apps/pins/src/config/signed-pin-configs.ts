import type { PinsView } from '@tessera/pins';
import { signPinConfig } from '@tessera/pins';
import type { PinConfigKeys } from './pin-config-keys';

interface Signed {
  config: string;
  version: number;
  /** When to sign again (epoch ms): half-way through its lifetime, so no answer is a config about to expire. */
  renewAt: number;
}

/** Configs kept signed: one per app and version, the oldest forgotten past this many. */
const MAX_SIGNED = 10_000;

/**
 * Each app's signed pin config, from the node's PinsView and the tenant's key. A config is signed once per app and
 * version and served from memory until half its lifetime has passed: a change of the tenant's domains raises its
 * version, so the next request signs the new content — invalidated by the event, not by a timer.
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
    const cached = this.signed.get(cacheKey);
    if (cached && cached.version === content.version && cached.renewAt > now) return cached;
    const { key } = await this.keys.signingKey(tenant);
    const iat = Math.floor(now / 1000);
    const config = await signPinConfig(
      { tenant, appId, version: content.version, iat, exp: iat + this.lifetimeSeconds, domains: content.domains },
      key,
    );
    const entry = { config, version: content.version, renewAt: now + (this.lifetimeSeconds * 1000) / 2 };
    this.signed.delete(cacheKey);
    this.signed.set(cacheKey, entry);
    if (this.signed.size > MAX_SIGNED) this.signed.delete(this.signed.keys().next().value as string);
    return entry;
  }
}
