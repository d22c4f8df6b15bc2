import type { RequestDefinition } from './request-definition';
import { TokenIssuanceV1 } from './token-issuance.request';

export * from './request-definition';
export * from './token-issuance.request';

/** Every request/reply exchange Tessera has. */
export const ALL_REQUESTS: readonly RequestDefinition[] = [TokenIssuanceV1];
