import { PinConfigResponseSchema, TOKEN_HEADER } from '@tessera/contracts';
import type { PinConfigRefusal } from '@tessera/pins/portable';
import type { TesseraToken } from '../tessera-token';
import type { PinConfigStore } from './pin-config-store';

export interface PinConfigFetcherOptions {
  store: PinConfigStore;
  /** Where the pins service answers `GET /v1/config` (a path prefix is kept). */
  pinsBaseUrl: string;
  /** The fetch to use; the global one by default. */
  fetch?: typeof fetch;
  /** The request, answer included (default 10 000). */
  requestTimeoutMs?: number;
}

/** What a refresh did; a refresh never throws: the config in force stays whatever happens. */
export type PinConfigRefresh =
  /** The token names no newer config (and the one in force has not expired): no request made. */
  | { outcome: 'current'; version: number }
  | { outcome: 'adopted'; version: number }
  /** The service's config was refused (signature, app, expiry, version): the one in force stays. */
  | { outcome: 'refused'; reason: PinConfigRefusal; detail: string }
  /** No config could be had (network, timeout, an error status, an answer the contract refuses). */
  | { outcome: 'failed'; detail: string };

/** Something that gives the app's token: a TesseraClient. */
export interface TokenSource {
  token(): Promise<TesseraToken>;
}

/**
 * Fetches the app's pin config from the pins service after attestation: `GET {pinsBaseUrl}/v1/config` with the
 * `Tessera-Token` header, answer `{ config: <jws> }`, handed to the store, which adopts it only if it verifies and
 * is newer. It asks only when the token's `pinConfigVersion` is newer than the store's version, or when the config
 * in force has expired; one request at a time.
 */
export class PinConfigFetcher {
  private readonly store: PinConfigStore;
  private readonly url: string;
  private readonly fetchImpl: typeof fetch;
  private readonly requestTimeoutMs: number;
  private inFlight: Promise<PinConfigRefresh> | undefined;

  constructor(options: PinConfigFetcherOptions) {
    if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(options.pinsBaseUrl)) {
      throw new TypeError('PinConfigFetcher pinsBaseUrl: expected an http(s) URL without query or fragment');
    }
    this.store = options.store;
    this.url = `${options.pinsBaseUrl.replace(/\/+$/, '')}/v1/config`;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  /** Fetches the config if `token` names a newer one than the store's (or the store's has expired). */
  refresh(token: TesseraToken): Promise<PinConfigRefresh> {
    const announced = token.pinConfigVersion;
    const newer = announced !== null && announced > this.store.version;
    if (!newer && !this.store.expired()) return Promise.resolve({ outcome: 'current', version: this.store.version });
    this.inFlight ??= this.fetchConfig(token.token).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** `refresh` with the client's token (its cached one while fresh, else a new attestation). */
  async refreshFrom(client: TokenSource): Promise<PinConfigRefresh> {
    let token: TesseraToken;
    try {
      token = await client.token();
    } catch (error) {
      return { outcome: 'failed', detail: `no token: ${error instanceof Error ? error.message : String(error)}` };
    }
    return this.refresh(token);
  }

  private async fetchConfig(token: string): Promise<PinConfigRefresh> {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort();
    }, this.requestTimeoutMs);
    let json: unknown;
    try {
      const response = await this.fetchImpl(this.url, {
        headers: { [TOKEN_HEADER]: token, accept: 'application/json' },
        signal: controller.signal,
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        return { outcome: 'failed', detail: `GET /v1/config answered ${response.status}` };
      }
      json = await response.json();
    } catch (error) {
      const timedOut = controller.signal.aborted;
      const detail = timedOut ? `no answer within ${this.requestTimeoutMs} ms` : describe(error);
      return { outcome: 'failed', detail: `GET /v1/config: ${detail}` };
    } finally {
      clearTimeout(timer);
    }
    const parsed = PinConfigResponseSchema.safeParse(json);
    if (!parsed.success) return { outcome: 'failed', detail: 'GET /v1/config: the answer does not fit the contract' };
    const update = await this.store.update(parsed.data.config);
    return update.adopted
      ? { outcome: 'adopted', version: update.version }
      : { outcome: 'refused', reason: update.reason, detail: update.detail };
  }
}

function describe(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return String(cause);
  const { name, message } = cause as { name?: unknown; message?: unknown };
  return [name, message].filter((part) => typeof part === 'string' && part.length > 0).join(': ') || 'unknown error';
}
