import {
  type AppMeasurement,
  AppMeasurementSchema,
  SdkEvidencePayloadSchema,
  TenantIdSchema,
  TOKEN_HEADER,
} from '@tessera/contracts';
import { z } from 'zod';
import { attestOnce, type AttestationRoundContext } from './attestation-round';
import type { AppMeasurementProvider, DeviceSignalProvider } from './device-signals';
import { type InstallationKey, type InstallationKeyStore, loadOrCreateInstallationKey } from './installation-key';
import { describeIssues } from './issues';
import { RetryFloor, type RetryFloorOptions } from './retry-floor';
import type { TesseraToken } from './tessera-token';
import { tokenBindingOf } from './token-binding';
import { TokenCache } from './token-cache';
import { SDK_VERSION } from './version';

/** fetch's own argument types (the DOM names are not declared for Node). */
type RequestInput = Parameters<typeof fetch>[0];
type HeadersInit = ConstructorParameters<typeof Headers>[0];

export interface TesseraClientOptions {
  /** Where the integrity service answers `/v1/challenge` and `/v1/attest` (a path prefix is kept). */
  baseUrl: string;
  tenant: string;
  /** The app's id at Tessera (a UUID). */
  appId: string;
  /** The app as it measures itself, or how to measure it (asked once per attestation). */
  measurement: AppMeasurement | AppMeasurementProvider;
  deviceSignals: DeviceSignalProvider;
  /** Reported as `device.sdkVersion`; the SDK's own SDK_VERSION by default. */
  sdkVersion?: string;
  keyStore: InstallationKeyStore;
  /** The fetch to use, for the service and for `client.fetch`; the global one by default. */
  fetch?: typeof fetch;
  /** How long before its expiry a token is renewed (default 30; at most half a token's lifetime is taken). */
  refreshBeforeExpirySeconds?: number;
  /** Each request to the service, answer included (default 10 000). */
  requestTimeoutMs?: number;
  /** The header `client.fetch` binds tokens to when a request has it, e.g. `Authorization`; none by default. */
  boundHeader?: string;
  /** How long failed rounds hold the next back (defaults: 1 s doubling to 60 s, Retry-After up to 10 min). */
  retry?: RetryFloorOptions;
  /** The clock (epoch ms), for tests. */
  now?: () => number;
}

export interface TokenOptions {
  /** A header value (e.g. the `Authorization` the request carries) the token is bound to: `pay` in the token. */
  bindTo?: string;
}

/**
 * Told of each new token the client gets (a successful attestation round, bound tokens included): synchronously,
 * before the callers of `token()` get it. What it throws, or a promise it returns rejects with, is ignored: a
 * listener cannot block nor fail the token call.
 */
export type TokenListener = (token: TesseraToken) => unknown;

/** The headers a protected API call carries. */
export type TesseraHeaders = Record<typeof TOKEN_HEADER, string>;

/** Bound tokens kept per client besides the unbound one: enough for a few users' credentials, not a leak. */
const MAX_BOUND_TOKENS = 16;
const UNBOUND = '';

const SdkVersionSchema = SdkEvidencePayloadSchema.shape.device.shape.sdkVersion;
const OptionsSchema = z.object({
  baseUrl: z.string().regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'expected an http(s) URL without query or fragment'),
  tenant: TenantIdSchema,
  appId: z.uuid(),
  sdkVersion: SdkVersionSchema,
  refreshBeforeExpirySeconds: z.number().nonnegative(),
  requestTimeoutMs: z.number().positive(),
  boundHeader: z.string().min(1).optional(),
});

/**
 * The Tessera SDK core: attests the app (challenge, evidence signed with the installation key, attest) and keeps
 * the token fresh for the app's API calls. Runs on Node and on React Native (with a WebCrypto `crypto.subtle`).
 * See docs/sdk.md.
 */
export class TesseraClient {
  private readonly round: AttestationRoundContext;
  private readonly tokens: TokenCache;
  private readonly fetchImpl: typeof fetch;
  private readonly boundHeader: string | undefined;
  private readonly keyStore: InstallationKeyStore;
  private readonly listeners = new Set<TokenListener>();
  private key: Promise<InstallationKey> | undefined;

  constructor(options: TesseraClientOptions) {
    const checked = OptionsSchema.safeParse({
      ...options,
      sdkVersion: options.sdkVersion ?? SDK_VERSION,
      refreshBeforeExpirySeconds: options.refreshBeforeExpirySeconds ?? 30,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    });
    if (!checked.success) throw new TypeError(`TesseraClient options invalid: ${describeIssues(checked.error)}`);
    const measurement = options.measurement;
    if (typeof measurement !== 'function') {
      const parsed = AppMeasurementSchema.safeParse(measurement);
      if (!parsed.success) throw new TypeError(`TesseraClient measurement invalid: ${describeIssues(parsed.error)}`);
    }
    const now = options.now ?? Date.now;
    // Looked up at each call, not at construction: a fetch polyfill may be installed later, and some runtimes
    // refuse a fetch detached from globalThis.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.keyStore = options.keyStore;
    this.boundHeader = checked.data.boundHeader;
    this.tokens = new TokenCache(new RetryFloor(options.retry), now, MAX_BOUND_TOKENS + 1, (token) => {
      this.tell(token);
    });
    this.round = {
      connection: {
        baseUrl: checked.data.baseUrl.replace(/\/+$/, ''),
        fetch: this.fetchImpl,
        requestTimeoutMs: checked.data.requestTimeoutMs,
        now,
      },
      tenant: checked.data.tenant,
      appId: checked.data.appId,
      sdkVersion: checked.data.sdkVersion,
      refreshBeforeExpirySeconds: checked.data.refreshBeforeExpirySeconds,
      installationKey: () => this.installationKey(),
      measurement: typeof measurement === 'function' ? measurement : () => Promise.resolve(measurement),
      deviceSignals: options.deviceSignals,
    };
  }

  /** The installation id: the RFC 7638 thumbprint of the installation key (made and saved on first use). */
  async installationId(): Promise<string> {
    return (await this.installationKey()).installationId;
  }

  /** A token for the app's API calls: the cached one while fresh, else from one attestation round shared by all. */
  async token(options: TokenOptions = {}): Promise<TesseraToken> {
    const binding = options.bindTo === undefined ? undefined : await tokenBindingOf(options.bindTo);
    return this.tokens.get(binding ?? UNBOUND, () => attestOnce(this.round, binding));
  }

  /**
   * Calls `listener` with each new token from now on (not the cached ones handed out again), e.g. a
   * `PinConfigFetcher` (`fetcher.attach(client)` does it). Returns the function that stops it.
   */
  onToken(listener: TokenListener): () => void {
    // Wrapped, so the same function given twice is two subscriptions, each stopped by its own call.
    const subscription: TokenListener = (token) => listener(token);
    this.listeners.add(subscription);
    return () => {
      this.listeners.delete(subscription);
    };
  }

  /** `{ 'Tessera-Token': token }`, to merge into a request's headers. */
  async headers(options?: TokenOptions): Promise<TesseraHeaders> {
    return { [TOKEN_HEADER]: (await this.token(options)).token };
  }

  /** A copy of `headers` with the token set. */
  async attach(headers?: HeadersInit, options?: TokenOptions): Promise<Headers> {
    const attached = new Headers(headers);
    attached.set(TOKEN_HEADER, (await this.token(options)).token);
    return attached;
  }

  /**
   * fetch with the token attached: the same arguments, the same answer. With `boundHeader` set, a request that
   * carries that header gets a token bound to its value.
   */
  readonly fetch = async (input: RequestInput, init?: RequestInit): Promise<Response> => {
    // As fetch reads them: init's headers replace those of a Request given as input.
    const headers = new Headers(init?.headers ?? (isRequest(input) ? input.headers : undefined));
    const bindTo = this.boundHeader === undefined ? undefined : (headers.get(this.boundHeader) ?? undefined);
    headers.set(TOKEN_HEADER, (await this.token({ bindTo })).token);
    return this.fetchImpl(input, { ...init, headers });
  };

  private tell(token: TesseraToken): void {
    for (const listener of [...this.listeners]) {
      try {
        const result = listener(token);
        if (isThenable(result)) result.then(undefined, () => undefined);
      } catch {
        // A listener's failure is its own: the token call goes on.
      }
    }
  }

  private installationKey(): Promise<InstallationKey> {
    this.key ??= loadOrCreateInstallationKey(this.keyStore).catch((error: unknown) => {
      this.key = undefined; // the next round tries the store again
      throw error;
    });
    return this.key;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function isRequest(input: unknown): input is Request {
  return typeof Request !== 'undefined' && input instanceof Request;
}
