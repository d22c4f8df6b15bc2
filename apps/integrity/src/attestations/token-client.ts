import { type ResultData, TokenIssuanceV1 } from '@tessera/contracts';
import { InvalidRequestDataError, type KafkaRequester, RequestError, RequestTimeoutError } from '@tessera/messaging';
import type { z } from 'zod';

export type TokenRequest = z.input<typeof TokenIssuanceV1.request>;
export type IssuedToken = ResultData<typeof TokenIssuanceV1>;

/** The token service did not give a token in time (or at all): the attestation answers 503 with `reason`. */
export class TokenServiceUnavailable extends Error {
  constructor(
    readonly reason: 'token-service-timeout' | 'token-service-unavailable',
    detail: string,
  ) {
    super(detail);
    this.name = 'TokenServiceUnavailable';
  }
}

/** Asks the token service for the token of a verdict over Kafka (`token.issue`), within a deadline. */
export class TokenClient {
  constructor(
    private readonly requester: KafkaRequester,
    private readonly timeoutMs: number,
  ) {}

  async issue(request: TokenRequest): Promise<IssuedToken> {
    try {
      return await this.requester.request(TokenIssuanceV1, request, { timeoutMs: this.timeoutMs });
    } catch (error) {
      // Our own bug, not the token service's state: let it be logged as one.
      if (error instanceof InvalidRequestDataError) throw error;
      if (error instanceof RequestTimeoutError)
        throw new TokenServiceUnavailable('token-service-timeout', error.message);
      // The responder's refusal (no active key for the tenant, say), a requester not running: no fault of the app.
      if (error instanceof RequestError) {
        throw new TokenServiceUnavailable('token-service-unavailable', error.message);
      }
      throw error;
    }
  }
}
