import { BadRequestException, UnprocessableEntityException } from '@nestjs/common';
import {
  type CertificatePin,
  CertificateChainError,
  fetchServedChain,
  pinsFromPem,
  ServedChainError,
} from '@tessera/pins';
import type { CreateDomain } from './domains.schemas';

/** How long a `fromHost` handshake may take: an admin request waits for it. */
const HANDSHAKE_TIMEOUT_MS = 5000;

/**
 * The chain a new domain's pins come from, leaf first with each certificate's pin, or undefined for typed-in pins:
 * from the uploaded PEM, or read from the live host. A bad chain is a 400, an unreachable host a 422, each with the
 * library's stable reason.
 */
export async function servedPinsOf(input: CreateDomain): Promise<CertificatePin[] | undefined> {
  try {
    if (input.certificatePem !== undefined) return await pinsFromPem(input.certificatePem);
    if (input.fromHost) {
      const chain = await fetchServedChain({ host: input.pattern, port: input.port, timeoutMs: HANDSHAKE_TIMEOUT_MS });
      return chain.pins;
    }
    return undefined;
  } catch (error) {
    if (error instanceof CertificateChainError) {
      throw new BadRequestException({ statusCode: 400, reason: error.failure, message: error.message });
    }
    if (error instanceof ServedChainError) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        reason: `host-${error.failure}`,
        message: `could not read the chain ${input.pattern}:${input.port} serves: ${error.message}`,
      });
    }
    throw error;
  }
}
