import type { DomainPin, Pin, PinnedCertificate } from '@tessera/contracts';
import { createHash, X509Certificate } from 'node:crypto';
import { spkiPin } from './portable';

/** Where a certificate sits in a chain: first, between, or the self-signed last. */
export const CERTIFICATE_PLACES = ['leaf', 'intermediate', 'root'] as const;
export type CertificatePlace = (typeof CERTIFICATE_PLACES)[number];

/** A certificate of a chain and the pin of its key. */
export interface CertificatePin {
  pin: Pin;
  place: CertificatePlace;
  certificate: PinnedCertificate;
}

/** The most certificates a chain may hold: real chains have two to four. */
export const MAX_CHAIN_CERTIFICATES = 10;
/** The largest PEM accepted, in bytes (UTF-8). */
export const MAX_CHAIN_PEM_BYTES = 64 * 1024;

export type CertificateChainFailure =
  | 'empty'
  | 'too-large'
  | 'too-many-certificates'
  /** A private key among the certificates: refused without reading it. */
  | 'private-key'
  /** No PEM certificate, another PEM type, or a block that does not parse as X.509. */
  | 'not-a-certificate'
  | 'duplicate-certificate'
  /** A certificate that the next one did not issue (or whose signature the next one's key does not verify). */
  | 'chain-out-of-order';

const MESSAGES: Record<CertificateChainFailure, string> = {
  empty: 'no certificate given: expected PEM text with one certificate or a chain, leaf first',
  'too-large': `the PEM text is over ${MAX_CHAIN_PEM_BYTES} bytes`,
  'too-many-certificates': `a chain holds at most ${MAX_CHAIN_CERTIFICATES} certificates`,
  'private-key': 'the PEM text holds a private key: give only certificates (and treat that key as exposed)',
  'not-a-certificate': 'expected PEM certificates (-----BEGIN CERTIFICATE-----) that parse as X.509',
  'duplicate-certificate': 'the chain holds the same certificate twice',
  'chain-out-of-order': 'the chain is out of order: each certificate must be issued by the one after it, leaf first',
};

/** Why a PEM chain gave no pins. The message is a fixed sentence (plus a position): it never echoes the input. */
export class CertificateChainError extends Error {
  constructor(
    readonly failure: CertificateChainFailure,
    /** The 0-based position of the offending certificate, when there is one. */
    readonly position?: number,
  ) {
    super(position === undefined ? MESSAGES[failure] : `${MESSAGES[failure]} (certificate ${position + 1})`);
    this.name = 'CertificateChainError';
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * The pins of the certificates in `pem`, one certificate or a chain, leaf first, each with its place and what
 * Tessera keeps of it. Throws a CertificateChainError for anything else (see its failures).
 */
export async function pinsFromPem(pem: string): Promise<CertificatePin[]> {
  if (Buffer.byteLength(pem, 'utf8') > MAX_CHAIN_PEM_BYTES) throw new CertificateChainError('too-large');
  if (pem.trim() === '') throw new CertificateChainError('empty');
  const blocks = [...pem.matchAll(PEM_BLOCK)].map(([, label = '']) => label);
  if (blocks.some((label) => label.includes('PRIVATE KEY'))) throw new CertificateChainError('private-key');
  if (blocks.length === 0) throw new CertificateChainError('not-a-certificate');
  if (blocks.length > MAX_CHAIN_CERTIFICATES) throw new CertificateChainError('too-many-certificates');
  const certificates = [...pem.matchAll(PEM_BLOCK)].map(([block, label], position) => {
    if (label !== 'CERTIFICATE') throw new CertificateChainError('not-a-certificate', position);
    try {
      return new X509Certificate(block);
    } catch {
      throw new CertificateChainError('not-a-certificate', position);
    }
  });
  const fingerprints = new Set<string>();
  certificates.forEach((certificate, position) => {
    if (fingerprints.has(certificate.fingerprint256))
      throw new CertificateChainError('duplicate-certificate', position);
    fingerprints.add(certificate.fingerprint256);
    const issuer = certificates[position + 1];
    if (issuer && !issuedBy(certificate, issuer)) throw new CertificateChainError('chain-out-of-order', position);
  });
  return pinsOfChain(certificates);
}

/**
 * The pins of a chain already parsed, leaf first (a served chain as the TLS client saw it): the first is the
 * leaf, the last is the root when it is self-signed, the others intermediates. A single certificate is a leaf.
 */
export async function pinsOfChain(certificates: readonly X509Certificate[]): Promise<CertificatePin[]> {
  return Promise.all(
    certificates.map(async (certificate, position) => ({
      pin: await spkiPin(new Uint8Array(certificate.publicKey.export({ type: 'spki', format: 'der' }))),
      place: placeOf(certificate, position, certificates.length),
      certificate: describeCertificate(certificate),
    })),
  );
}

/** A certificate's pin as a domain pin, with the certificate it came from (for expiry tracking). */
export function domainPinOf(certificatePin: CertificatePin, label: string | null = null): DomainPin {
  return { pin: certificatePin.pin, source: certificatePin.place, label, certificate: certificatePin.certificate };
}

function placeOf(certificate: X509Certificate, position: number, length: number): CertificatePlace {
  if (position === 0) return 'leaf';
  return position === length - 1 && issuedBy(certificate, certificate) ? 'root' : 'intermediate';
}

function issuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** What the contract keeps of a certificate; subject and issuer one line, cut to the contract's length. */
function describeCertificate(certificate: X509Certificate): PinnedCertificate {
  return {
    subject: oneLine(certificate.subject),
    issuer: oneLine(certificate.issuer),
    notBefore: new Date(certificate.validFrom).toISOString(),
    notAfter: new Date(certificate.validTo).toISOString(),
    sha256: createHash('sha256').update(certificate.raw).digest('hex'),
  };
}

function oneLine(name: string): string {
  return name.split('\n').join(', ').slice(0, 1024);
}
