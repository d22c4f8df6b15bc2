import { AsyncLocalStorage } from 'node:async_hooks';

/** The request being served, so log lines written anywhere during it carry its id. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
