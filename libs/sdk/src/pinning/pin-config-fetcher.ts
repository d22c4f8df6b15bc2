import { PinConfigResponseSchema, TOKEN_HEADER } from '@tessera/contracts';
import type { PinConfigRefusal } from '@tessera/pins/portable';
import { describeIssues } from '../issues';
import type { TesseraToken } from '../tessera-token';
import type { PinConfigStore } from './pin-config-store';
import { SecureStrings } from './secure-strings';

export interface PinConfigFetcherOptions {
  store: PinConfigStore;
  /** Where the pins service answers `GET /v1/config` (a path prefix is kept). */
  pinsBaseUrl: string;
  /** The fetch to use; the global one by default. */
  fetch?: typeof fetch;
  /** The request, answer included (default 10 000). */
  requestTimeoutMs?: number;
  /**
   * How long the secure strings held are used before the fetcher asks for them again, at its next refresh (default
   * 3 600 000: an hour). Secrets can change without a change of the pin config. `Infinity`: once per process.
   */
  secureStringsMaxAgeMs?: number;
  /**
   * Told each time the secure strings held change: a new set from the service (even if the values are the same), or
   * `undefined` when the service refused the token (401) and the fetcher dropped those it held. What it throws is
   * ignored.
   */
  onSecureStrings?: (strings: SecureStrings | undefined) => void;
  /** The clock (epoch ms), for the age of the secure strings; tests. */
  now?: () => number;
}

/**
 * What a refresh did; a refresh never throws: the config in force stays whatever happens. `warning` is there only
 * when the answer's config was fine but its secure strings did not fit the contract (those held stay).
 */
export type PinConfigRefresh =
  /**
   * No newer config: the token names none and the one in force has not expired, so no request was made, or one was
   * made for the secure strings and the service's config is not newer than the one in force.
   */
  | { outcome: 'current'; version: number; warning?: string }
  | { outcome: 'adopted'; version: number; warning?: string }
  /** The service's config was refused (signature, app, expiry, version): the one in force stays. */
  | { outcome: 'refused'; reason: PinConfigRefusal; detail: string; warning?: string }
  /**
   * The pins service refused the token (401: a failure token, a revoked device or installation, an expired
   * token): the config in force stays, the secure strings held are dropped, and this token is not sent again.
   */
  | { outcome: 'unauthorized'; detail: string }
  /** No config could be had (network, timeout, an error status, an answer the contract refuses, a bound token). */
  | { outcome: 'failed'; detail: string };

/** Something that gives the app's token: a TesseraClient. */
export interface TokenSource {
  token(): Promise<TesseraToken>;
}

/** A token source that tells of each new token: a TesseraClient (`onToken`). */
export interface TokenEvents extends TokenSource {
  onToken(listener: (token: TesseraToken) => unknown): () => void;
}

export interface AttachOptions {
  /** Told the result of each refresh the attachment makes. What it throws is ignored. */
  onRefresh?: (refresh: PinConfigRefresh) => void;
}

const DEFAULT_SECURE_STRINGS_MAX_AGE_MS = 60 * 60 * 1000;
/** What the config part of an answer must be, when the whole answer does not fit the contract. */
const ConfigPartSchema = PinConfigResponseSchema.pick({ config: true });
/** Refusals that still prove the config was signed for this app by a key the app ships. */
const SIGNED_FOR_THIS_APP: readonly PinConfigRefusal[] = ['not-newer', 'expired'];

/** What one request brought, before each caller reads it for what it asked. */
type Fetched =
  | { kind: 'update'; adopted: true; version: number; warning?: string }
  | { kind: 'update'; adopted: false; reason: PinConfigRefusal; detail: string; warning?: string }
  | { kind: 'unauthorized'; detail: string }
  | { kind: 'failed'; detail: string };

/**
 * Fetches the app's pin config and secure strings from the pins service after attestation: `GET {pinsBaseUrl}/v1/config`
 * with the `Tessera-Token` header, answer `{ config, version, secureStrings }` (`PinConfigResponseSchema`). The config
 * goes to the store, which adopts it only if it verifies and is newer; the secure strings are held here, in memory
 * only. It asks when the token's `pinConfigVersion` is newer than the store's version, when the config in force
 * has expired, when it holds no secure strings yet, or when those it holds are older than `secureStringsMaxAgeMs`;
 * one request at a time. `attach(client)` makes it refresh after each new token the client gets.
 */
export class PinConfigFetcher {
  private readonly store: PinConfigStore;
  private readonly url: string;
  private readonly fetchImpl: typeof fetch;
  private readonly requestTimeoutMs: number;
  private readonly secureStringsMaxAgeMs: number;
  private readonly onSecureStrings: (strings: SecureStrings | undefined) => void;
  private readonly now: () => number;
  /** The one request at a time, and the token it was sent with. */
  private inFlight: { token: string; fetched: Promise<Fetched> } | undefined;
  private held: SecureStrings | undefined;
  /** The last token the service refused (401): a refused token stays refused, it is not sent again. */
  private refusedToken: string | undefined;
  /** Refreshes started by attachments, for `idle()`. */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(options: PinConfigFetcherOptions) {
    if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(options.pinsBaseUrl)) {
      throw new TypeError('PinConfigFetcher pinsBaseUrl: expected an http(s) URL without query or fragment');
    }
    const maxAge = options.secureStringsMaxAgeMs ?? DEFAULT_SECURE_STRINGS_MAX_AGE_MS;
    if (typeof maxAge !== 'number' || !(maxAge > 0)) {
      throw new TypeError('PinConfigFetcher secureStringsMaxAgeMs: expected a positive number of milliseconds');
    }
    this.store = options.store;
    this.url = `${options.pinsBaseUrl.replace(/\/+$/, '')}/v1/config`;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.secureStringsMaxAgeMs = maxAge;
    const listener = options.onSecureStrings;
    this.onSecureStrings = (strings) => {
      try {
        listener?.(strings);
      } catch {
        // The app's listener failing changes nothing held here.
      }
    };
    this.now = options.now ?? Date.now;
  }

  /** The secure strings held now: undefined before the first answer, and after a 401 dropped them. */
  get secureStrings(): SecureStrings | undefined {
    return this.held;
  }

  /** The value of the secure string `name` held now, or undefined (none yet, none of that name, dropped). */
  secureString(name: string): string | undefined {
    return this.held?.get(name);
  }

  /**
   * Fetches the config and the secure strings with `token` (an unbound one: the pins service refuses bound tokens)
   * if it names a newer config than the store's, the store's has expired, or the secure strings are missing or old.
   */
  refresh(token: TesseraToken): Promise<PinConfigRefresh> {
    return this.refreshWith(token, token.pinConfigVersion);
  }

  /** `refresh` with `token`, for a config version `announced` (by this token or a bound one of the same client). */
  private refreshWith(token: TesseraToken, announced: number | null): Promise<PinConfigRefresh> {
    if (token.binding !== undefined) {
      return Promise.resolve({
        outcome: 'failed',
        detail: 'a bound token cannot fetch the config: give an unbound one, or use refreshFrom(client)',
      });
    }
    if (token.token === this.refusedToken) {
      return Promise.resolve({
        outcome: 'unauthorized',
        detail: 'the pins service refused this token already: no request made',
      });
    }
    const forConfig = this.configWanted(announced);
    if (!forConfig && !this.secureStringsWanted()) {
      return Promise.resolve({ outcome: 'current', version: this.store.version });
    }
    const current = this.inFlight;
    // Another token's answer says nothing of this one (that one may be refused, this one not): wait, then ask anew.
    if (current && current.token !== token.token) {
      const again = () => this.refreshWith(token, announced);
      return current.fetched.then(again, again);
    }
    const inFlight = current ?? {
      token: token.token,
      fetched: this.fetchConfig(token.token).finally(() => {
        this.inFlight = undefined;
      }),
    };
    this.inFlight = inFlight;
    return inFlight.fetched.then((fetched) => this.outcomeOf(fetched, forConfig));
  }

  /** `refresh` with the client's token (its cached one while fresh, else a new attestation). */
  async refreshFrom(client: TokenSource): Promise<PinConfigRefresh> {
    let token: TesseraToken;
    try {
      token = await client.token();
    } catch (error) {
      return noToken(error);
    }
    return this.refresh(token);
  }

  /**
   * Refreshes after each new token `client` gets (`client.onToken`), in the background: the token call is neither
   * held up nor failed by it. A new bound token that names a newer config (or comes while the config or secure strings
   * are wanted) makes the refresh use the client's unbound token. Returns the function that stops it.
   */
  attach(client: TokenEvents, options: AttachOptions = {}): () => void {
    let lastUnbound: TesseraToken | undefined;
    const report = (refresh: Promise<PinConfigRefresh | undefined>) => {
      const settled = refresh.then(
        (result) => {
          if (result === undefined) return;
          try {
            options.onRefresh?.(result);
          } catch {
            // The app's listener failing changes nothing here.
          }
        },
        () => undefined,
      );
      this.pending.add(settled);
      void settled.finally(() => this.pending.delete(settled));
    };
    return client.onToken((token) => {
      if (token.binding === undefined) {
        lastUnbound = token;
        report(this.refresh(token));
      } else if (this.configWanted(token.pinConfigVersion) || this.secureStringsWanted()) {
        const before = lastUnbound;
        report(
          client.token().then(
            // A new unbound token is told to this listener before `token()` resolves: that one refreshes already.
            (unbound) =>
              unbound !== before && unbound === lastUnbound
                ? undefined
                : this.refreshWith(unbound, newest(unbound.pinConfigVersion, token.pinConfigVersion)),
            noToken,
          ),
        );
      }
    });
  }

  /** Resolves once no refresh is in flight (those of attachments included). */
  async idle(): Promise<void> {
    while (this.pending.size > 0 || this.inFlight !== undefined) {
      await Promise.allSettled([...this.pending, this.inFlight?.fetched]);
    }
  }

  private configWanted(announced: number | null): boolean {
    return (announced !== null && announced > this.store.version) || this.store.expired();
  }

  private secureStringsWanted(): boolean {
    return this.held === undefined || this.now() - this.held.receivedAt >= this.secureStringsMaxAgeMs;
  }

  /** A config not newer is no news to a caller that asked for the secure strings only. */
  private outcomeOf(fetched: Fetched, forConfig: boolean): PinConfigRefresh {
    if (fetched.kind === 'failed') return { outcome: 'failed', detail: fetched.detail };
    if (fetched.kind === 'unauthorized') return { outcome: 'unauthorized', detail: fetched.detail };
    const warning = fetched.warning === undefined ? {} : { warning: fetched.warning };
    if (fetched.adopted) return { outcome: 'adopted', version: fetched.version, ...warning };
    if (fetched.reason === 'not-newer' && !forConfig) {
      return { outcome: 'current', version: this.store.version, ...warning };
    }
    return { outcome: 'refused', reason: fetched.reason, detail: fetched.detail, ...warning };
  }

  private async fetchConfig(token: string): Promise<Fetched> {
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
      if (response.status === 401) {
        // The body is not read; failing to drop it must not turn the 401 into something else.
        void response.body?.cancel().catch(() => undefined);
        return this.unauthorized(token);
      }
      if (response.status !== 200) {
        void response.body?.cancel().catch(() => undefined);
        return { kind: 'failed', detail: `GET /v1/config answered ${response.status}` };
      }
      json = await response.json();
    } catch (error) {
      const timedOut = controller.signal.aborted;
      const detail = timedOut ? `no answer within ${this.requestTimeoutMs} ms` : describe(error);
      return { kind: 'failed', detail: `GET /v1/config: ${detail}` };
    } finally {
      clearTimeout(timer);
    }
    return this.adopt(json);
  }

  private unauthorized(token: string): Fetched {
    this.refusedToken = token;
    const dropped = this.held !== undefined;
    this.held = undefined;
    if (dropped) this.onSecureStrings(undefined);
    return {
      kind: 'unauthorized',
      detail: `GET /v1/config answered 401: the token was refused; the config in force stays${
        dropped ? ', the secure strings held were dropped' : ''
      }`,
    };
  }

  /**
   * The config to the store; the secure strings kept only when the whole answer fits the contract and its config
   * was signed for this app (adopted, or refused only as not newer or expired): an answer whose config is forged or
   * another app's brings no secrets either.
   */
  private async adopt(json: unknown): Promise<Fetched> {
    const parsed = PinConfigResponseSchema.safeParse(json);
    let warning: string | undefined;
    let config: string;
    if (parsed.success) {
      config = parsed.data.config;
    } else {
      const part = ConfigPartSchema.safeParse(json);
      if (!part.success) return { kind: 'failed', detail: 'GET /v1/config: the answer does not fit the contract' };
      config = part.data.config;
      warning = `the answer does not fit the contract (${describeIssues(parsed.error)}): the secure strings held stay`;
    }
    const update = await this.store.update(config);
    const signedForThisApp = update.adopted || SIGNED_FOR_THIS_APP.includes(update.reason);
    if (parsed.success && signedForThisApp) {
      this.held = new SecureStrings(parsed.data.secureStrings, this.now());
      this.onSecureStrings(this.held);
    }
    const warned = warning === undefined ? {} : { warning };
    return update.adopted
      ? { kind: 'update', adopted: true, version: update.version, ...warned }
      : { kind: 'update', adopted: false, reason: update.reason, detail: update.detail, ...warned };
  }
}

function newest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

function noToken(error: unknown): PinConfigRefresh {
  return { outcome: 'failed', detail: `no token: ${error instanceof Error ? error.message : String(error)}` };
}

function describe(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return String(cause);
  const { name, message } = cause as { name?: unknown; message?: unknown };
  return [name, message].filter((part) => typeof part === 'string' && part.length > 0).join(': ') || 'unknown error';
}
