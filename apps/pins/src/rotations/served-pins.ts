import { BadRequestException, ConflictException } from '@nestjs/common';
import {
  type CertificatePin,
  CertificateChainError,
  fetchServedChain,
  pinsFromPem,
  ServedChainError,
} from '@tessera/pins';

export type ServedPin = Pick<CertificatePin, 'pin' | 'place'>;

/**
 * The pins of the chain a domain's host serves now: from the PEM given, else from a TLS handshake with the live host
 * (an exact pattern only: a wildcard names no host to ask). Refused with the reason when neither can be had.
 */
export async function servedPinsOf(
  domain: { pattern: string; port: number },
  pem: string | undefined,
): Promise<ServedPin[]> {
  if (pem !== undefined) {
    try {
      return (await pinsFromPem(pem)).map(({ pin, place }) => ({ pin, place }));
    } catch (error) {
      if (error instanceof CertificateChainError) {
        throw new BadRequestException({ statusCode: 400, reason: error.failure, message: error.message });
      }
      throw error;
    }
  }
  if (domain.pattern.startsWith('*.')) {
    throw new ConflictException({
      statusCode: 409,
      reason: 'served-chain-unknown',
      message: `${domain.pattern} names no single host whose chain could be fetched: send servedChainPem`,
    });
  }
  try {
    const chain = await fetchServedChain({ host: domain.pattern, port: domain.port });
    return chain.pins.map(({ pin, place }) => ({ pin, place }));
  } catch (error) {
    if (error instanceof ServedChainError) {
      throw new ConflictException({
        statusCode: 409,
        reason: 'served-chain-unknown',
        failure: error.failure,
        message: `the chain ${domain.pattern}:${domain.port} serves could not be read (${error.message}): send servedChainPem`,
      });
    }
    throw error;
  }
}
