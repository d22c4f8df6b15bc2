import { isIP } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { connect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { type CertificatePin, MAX_CHAIN_CERTIFICATES, pinsOfChain } from './certificate-pins';

export interface ServedChainRequest {
  host: string;
  port?: number;
  /** The name sent in SNI and checked against the certificate; the host when not given (none for an IP). */
  servername?: string;
  /** The whole attempt, from the name lookup to the end of the handshake. */
  timeoutMs?: number;
  /** PEM trust anchors to verify against instead of the system's. */
  ca?: string | readonly string[];
}

/** The chain a host served, as the TLS client saw it. */
export interface ServedChain {
  /** Leaf first; completed by the trust store's root when the chain verified against one. */
  certificates: X509Certificate[];
  pins: CertificatePin[];
  /** Whether the chain verified against the trust store and for the host name. */
  authorized: boolean;
  /** Why not (an OpenSSL or Node code such as `UNABLE_TO_GET_ISSUER_CERT_LOCALLY`, `ERR_TLS_CERT_ALTNAME_INVALID`). */
  authorizationError: string | null;
}

export type ServedChainFailure = 'dns' | 'refused' | 'unreachable' | 'timeout' | 'tls-handshake' | 'no-certificate';

const MESSAGES: Record<ServedChainFailure, string> = {
  dns: 'the host name does not resolve',
  refused: 'the host refused the connection',
  unreachable: 'the host could not be reached',
  timeout: 'the host did not complete a TLS handshake in time',
  'tls-handshake': 'the TLS handshake failed',
  'no-certificate': 'the host sent no certificate',
};

/** Why a served chain could not be had; `detail` is the system's code or the TLS alert. */
export class ServedChainError extends Error {
  constructor(
    readonly failure: ServedChainFailure,
    readonly detail?: string,
  ) {
    super(detail === undefined ? MESSAGES[failure] : `${MESSAGES[failure]} (${detail})`);
    this.name = 'ServedChainError';
  }
}

/**
 * The certificate chain `host` serves, with its pins, whether it verifies and for that name. The chain is read
 * whatever its validity (a self-signed or expired chain is still what apps would see). Never hangs: a server that
 * accepts and says nothing runs into the timeout.
 */
export async function fetchServedChain(request: ServedChainRequest): Promise<ServedChain> {
  const { host, port = 443, timeoutMs = 5000, ca } = request;
  const servername = request.servername ?? (isIP(host) === 0 ? host : undefined);
  const socket = await handshake({ host, port, servername, timeoutMs, ca });
  try {
    const certificates = chainOf(socket.getPeerCertificate(true));
    if (certificates.length === 0) throw new ServedChainError('no-certificate');
    return {
      certificates,
      pins: await pinsOfChain(certificates),
      authorized: socket.authorized,
      authorizationError: socket.authorized ? null : errorCode(socket.authorizationError),
    };
  } finally {
    socket.destroy();
  }
}

function handshake(options: {
  host: string;
  port: number;
  servername: string | undefined;
  timeoutMs: number;
  ca: string | readonly string[] | undefined;
}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: options.host,
      port: options.port,
      ...(options.servername === undefined ? {} : { servername: options.servername }),
      ...(options.ca === undefined ? {} : { ca: typeof options.ca === 'string' ? options.ca : [...options.ca] }),
      // Read the chain whatever it is; `authorized` says whether it verified.
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      reject(new ServedChainError('timeout', `${options.timeoutMs} ms`));
      socket.destroy();
    }, options.timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(failureOf(error));
      socket.destroy();
    });
    socket.once('close', () => {
      clearTimeout(timer);
      reject(new ServedChainError('tls-handshake', 'the connection closed during the handshake'));
    });
  });
}

function failureOf(error: NodeJS.ErrnoException): ServedChainError {
  const code = error.code ?? 'unknown';
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return new ServedChainError('dns', code);
    case 'ECONNREFUSED':
      return new ServedChainError('refused', code);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new ServedChainError('unreachable', code);
    default:
      // TLS alerts come as ERR_SSL_<...>_ALERT_<NAME>; a reset or a non-TLS answer fails the handshake too.
      return new ServedChainError('tls-handshake', code);
  }
}

/** The peer's chain, leaf first, following `issuerCertificate` until it repeats (a root is its own issuer). */
function chainOf(peer: DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  // An empty object when the peer sent no certificate, whatever the types say.
  let current: Partial<DetailedPeerCertificate> | undefined = peer;
  while (
    current?.raw !== undefined &&
    !seen.has(current.fingerprint256 ?? '') &&
    chain.length < MAX_CHAIN_CERTIFICATES
  ) {
    seen.add(current.fingerprint256 ?? '');
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}

function errorCode(error: Error | string | undefined): string {
  if (error === undefined) return 'unknown';
  if (typeof error === 'string') return error;
  return (error as NodeJS.ErrnoException).code ?? error.message;
}
