import type { StoredApiKey } from '@tessera/access';

/**
 * Where a service finds the API keys it authenticates callers with: the registration service reads its own
 * tables; every other service reads its own read model of `api-key.upserted` events (a service never reads another
 * service's tables). Provided by each service that uses ApiKeyGuard; this abstract class is the DI token:
 * `{ provide: ApiKeyDirectory, useClass: MyDirectory }`.
 */
export abstract class ApiKeyDirectory {
  /** False while keys cannot be looked up yet (database not migrated, read model not caught up): the guard answers 503. */
  abstract isReady(): boolean;

  /** The key with this id (a primary-key read), or undefined when there is none. */
  abstract find(keyId: string): Promise<StoredApiKey | undefined>;

  /**
   * Called after a key authenticated, for "last used" bookkeeping (optional: a read model has nowhere to write it).
   * It runs on the request's path, so it should write rarely (the registration service writes at most once a minute
   * per key).
   */
  recordUse?(keyId: string, lastUsedAt: Date): Promise<void>;
}
