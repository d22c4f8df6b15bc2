import { TokenIssuanceV1 } from '@tessera/contracts';
import { KafkaResponder, type KafkaResponderOptions, RequestHandlerError } from '@tessera/messaging';
import type { Logger } from 'pino';
import { IssuanceUnavailable, type TokenIssuance } from './token-issuance';

/**
 * Answers `token.issue` requests from Kafka with TokenIssuance. The group is shared by every token service instance,
 * so Kafka spreads the requests over them. A token that cannot be issued now (no key, database away) is answered
 * `unavailable`, so the integrity service can answer its client 503 at once instead of waiting for a timeout.
 */
export function issuanceResponder(
  options: Omit<KafkaResponderOptions, 'logger'>,
  issuance: TokenIssuance,
  logger: Logger,
): KafkaResponder {
  const responder = new KafkaResponder({ ...options, logger });
  responder.handle(TokenIssuanceV1, async (request) => {
    try {
      return await issuance.issue(request);
    } catch (error) {
      if (error instanceof IssuanceUnavailable) throw new RequestHandlerError('unavailable', error.message);
      // The database or the KEK failing is no reason to keep the caller waiting for its timeout.
      logger.error({ err: error, tenant: request.tenant }, 'token issuance failed');
      throw new RequestHandlerError('unavailable', 'the token service cannot issue tokens right now');
    }
  });
  return responder;
}
