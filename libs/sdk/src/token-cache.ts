import { TesseraError } from './errors';
import type { RetryFloor } from './retry-floor';
import type { TesseraToken } from './tessera-token';

/** A token with the times, on the client's clock, it is refreshed at and expires at. */
export interface CachedToken {
  token: TesseraToken;
  refreshAt: number;
  expiresAt: number;
}

interface Entry {
  cached?: CachedToken;
  inFlight?: Promise<TesseraToken>;
}

/**
 * The tokens of one client, one per binding (the unbound one included), the least recently used dropped past
 * `maxEntries`. A token is served until its refresh time; then one attestation round renews it, and every caller
 * meanwhile waits for that round (single flight). A failed round rejects all of them with its error, unless the old
 * token has not expired yet: then they get that one. While the RetryFloor holds rounds back, callers get its error
 * (or the old token, still valid) at once, without a request.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly floor: RetryFloor,
    private readonly now: () => number,
    private readonly maxEntries: number,
    /** Told of each token a round brings, once it is cached and before its callers get it. */
    private readonly onRenewed: (token: TesseraToken) => void = () => undefined,
  ) {}

  get(key: string, attest: () => Promise<CachedToken>): Promise<TesseraToken> {
    const entry = this.entry(key);
    const now = this.now();
    if (entry.cached && now < entry.cached.refreshAt) return Promise.resolve(entry.cached.token);
    if (entry.inFlight) return entry.inFlight;
    const held = this.floor.holding(now);
    if (held) {
      const stillValid = validToken(entry, now);
      return stillValid ? Promise.resolve(stillValid) : Promise.reject(held);
    }
    const round = this.round(entry, attest);
    entry.inFlight = round;
    return round;
  }

  private async round(entry: Entry, attest: () => Promise<CachedToken>): Promise<TesseraToken> {
    let renewed: CachedToken;
    try {
      renewed = await attest();
      entry.cached = renewed;
      this.floor.succeeded();
    } catch (error) {
      const now = this.now();
      const failed = error instanceof TesseraError ? this.floor.failed(error, now) : error;
      const stillValid = validToken(entry, now);
      if (stillValid) return stillValid;
      throw failed;
    } finally {
      entry.inFlight = undefined;
    }
    this.onRenewed(renewed.token);
    return renewed.token;
  }

  private entry(key: string): Entry {
    const entry = this.entries.get(key) ?? {};
    // Re-inserted: a Map iterates in insertion order, so the first entries are the least recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    for (const [oldKey, old] of this.entries) {
      if (this.entries.size <= this.maxEntries) break;
      if (!old.inFlight) this.entries.delete(oldKey);
    }
    return entry;
  }
}

function validToken(entry: Entry, now: number): TesseraToken | undefined {
  return entry.cached && now < entry.cached.expiresAt ? entry.cached.token : undefined;
}
