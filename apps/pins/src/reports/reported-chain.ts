import type { ReportedChainCertificate } from '@tessera/contracts';
import { pinsOfChain } from '@tessera/pins';
import { X509Certificate } from 'node:crypto';

/** A certificate of a reported chain that does not parse as X.509; the message never echoes it. */
export class ReportedChainError extends Error {
  constructor(readonly position: number) {
    super(`servedChain.${position}: not an X.509 certificate`);
    this.name = 'ReportedChainError';
  }
}

/**
 * What the service keeps of a served chain as a report carries it (PEM or base64 DER, leaf first): each
 * certificate's pin, computed here rather than taken from the report, and its names and dates — not the blobs.
 */
export async function reportedChain(certificates: readonly string[]): Promise<ReportedChainCertificate[]> {
  const parsed = certificates.map((text, position) => {
    try {
      return new X509Certificate(text.startsWith('-----BEGIN') ? text : Buffer.from(text, 'base64'));
    } catch {
      throw new ReportedChainError(position);
    }
  });
  const pins = await pinsOfChain(parsed);
  return pins.map(({ pin, certificate }) => ({ pin, certificate }));
}
