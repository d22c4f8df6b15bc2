import { createHash, X509Certificate } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { Agent, type AgentOptions } from 'node:https';
import { checkServerIdentity, type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import type { ClientRequestArgs } from 'node:http';
import { PinViolationError } from '../pinning/pin-check';
import type { PinConfigStore } from '../pinning/pin-config-store';
import type { PinViolationReporter } from '../pinning/pin-violation-reporter';

export interface PinnedConnectionOptions {
  /** Where violations are reported (in the background); none by default. */
  reporter?: PinViolationReporter;
  /** The port connected to, for the report (default 443). */
  port?: number;
}

type ServerIdentityCheck = (hostname: string, cert: PeerCertificate) => Error | undefined;

/** Longer chains are not walked: no real one is, and a loop must end. */
const MAX_CHAIN_LENGTH = 10;

/**
 * A `checkServerIdentity` for `tls.connect` / `https.request`: Node's own host name check first, then the pins of
 * the config in force over the whole served chain (each certificate's DER SubjectPublicKeyInfo, leaf to root). On a violation it returns a PinViolationError, which makes Node refuse the connection before a byte of
 * the request is sent, and hands the violation to the reporter. Needs `rejectUnauthorized` (Node's default): with
 * it off Node ignores what this returns.
 */
export function pinnedCheckServerIdentity(
  store: PinConfigStore,
  options: PinnedConnectionOptions = {},
): ServerIdentityCheck {
  return (hostname, cert) => {
    const hostError = checkServerIdentity(hostname, cert);
    if (hostError !== undefined) return hostError;
    const chain = servedChain(cert as DetailedPeerCertificate);
    const check = store.checkServedPins(
      hostname,
      chain.map((certificate) => createHash('sha256').update(subjectPublicKeyInfo(certificate)).digest('base64')),
    );
    if (check.ok) return undefined;
    options.reporter?.report({
      ...check.violation,
      port: options.port ?? 443,
      servedChain: chain.map((certificate) => certificate.raw.toString('base64')),
    });
    return new PinViolationError(check.violation);
  };
}

/**
 * An `https.Agent` whose every connection is checked by `pinnedCheckServerIdentity` against the store's config in
 * force at the time (the report names the connection's port). TLS sessions are not cached: Node skips
 * `checkServerIdentity` on a resumed session, and the pins may have changed since it was made. Keep-alive sockets are
 * reused as usual (their host was checked when they connected).
 */
export class PinnedAgent extends Agent {
  constructor(
    private readonly store: PinConfigStore,
    private readonly pinning: Omit<PinnedConnectionOptions, 'port'> = {},
    options: AgentOptions = {},
  ) {
    super({ ...options, maxCachedSessions: 0 });
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const port = typeof options.port === 'string' ? Number(options.port) : (options.port ?? undefined);
    const pinned = {
      ...options,
      rejectUnauthorized: true,
      checkServerIdentity: pinnedCheckServerIdentity(this.store, { ...this.pinning, port: port ?? 443 }),
    };
    return super.createConnection(pinned, callback);
  }
}

/** `new PinnedAgent(store, { reporter }, agentOptions)`: the agent for the app's `https.request`s to its API. */
export function pinnedAgent(
  store: PinConfigStore,
  pinning: Omit<PinnedConnectionOptions, 'port'> = {},
  options: AgentOptions = {},
): PinnedAgent {
  return new PinnedAgent(store, pinning, options);
}

/** The served chain, leaf first, as `getPeerCertificate(true)` links it (the root is its own issuer). */
function servedChain(leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  for (
    let certificate: DetailedPeerCertificate | undefined = leaf;
    certificate !== undefined && chain.length < MAX_CHAIN_LENGTH && !chain.includes(certificate);
    certificate = certificate.issuerCertificate as DetailedPeerCertificate | undefined
  ) {
    // An empty object stands for "no certificate" in some of Node's answers, whatever the types say.
    if (!(certificate.raw as Buffer | undefined)) break;
    chain.push(certificate);
  }
  return chain;
}

/**
 * The certificate's DER SubjectPublicKeyInfo, from its DER. Not `pubkey`: Node gives the SPKI there for RSA keys
 * only; for an EC key it is the bare point, whose hash is no pin.
 */
function subjectPublicKeyInfo(certificate: PeerCertificate): Buffer {
  return new X509Certificate(certificate.raw).publicKey.export({ type: 'spki', format: 'der' });
}
