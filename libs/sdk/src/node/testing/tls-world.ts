import 'reflect-metadata';
import { createHash, createPrivateKey, type webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';

/**
 * For tests only: certificates made in the test (a CA the client trusts, leaves it signs) and HTTPS servers on
 * loopback serving them, so pinning is tested against real TLS handshakes.
 */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;
let serial = 1;

export interface Issued {
  pem: string;
  keyPem: string;
  /** The pin of the certificate's key: base64 SHA-256 of its DER SubjectPublicKeyInfo. */
  pin: string;
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

async function keyPair(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

async function issued(cert: x509.X509Certificate, keys: webcrypto.CryptoKeyPair): Promise<Issued> {
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();
  const pin = createHash('sha256').update(Buffer.from(cert.publicKey.rawData)).digest('base64');
  return { pem: cert.toString('pem'), keyPem, pin, cert, keys };
}

/** A root CA: self-signed, may sign certificates. */
export async function certificateAuthority(name: string): Promise<Issued> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + DAY),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return issued(cert, keys);
}

/** A server certificate for `names`, with a key of its own, signed by `ca`. */
export async function serverCertificate(ca: Issued, names: string[]): Promise<Issued> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    subject: `CN=${names[0]}`,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + DAY),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: 'dns' as const, value }))),
    ],
  });
  return issued(cert, keys);
}

/** An HTTPS server on 127.0.0.1 serving `leaf` (and the chain given after it), answering 200 "hello". */
export async function httpsServer(
  leaf: Issued,
  chain: Issued[] = [],
): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer(
    { key: leaf.keyPem, cert: [leaf.pem, ...chain.map((c) => c.pem)].join('') },
    (_req, res) => {
      res.end('hello');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
