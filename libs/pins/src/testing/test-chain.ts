import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

/** ECDSA P-256 with SHA-256: what the test chains are made of. */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

/** A certificate made in a test, with the PEM of its private key (for a TLS server). */
export interface TestCertificate {
  pem: string;
  keyPem: string;
  certificate: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

/** A CA, an intermediate and a leaf for `hosts` (DNS names; IP addresses as IP SANs), as a server would hold them. */
export interface TestChain {
  root: TestCertificate;
  intermediate: TestCertificate;
  leaf: TestCertificate;
  /** Leaf first, then the intermediate: what a server sends. */
  servedPem: string;
  /** Leaf, intermediate, root. */
  fullPem: string;
}

export interface TestCertificateOptions {
  subject: string;
  issuer?: TestCertificate;
  ca?: boolean;
  hosts?: readonly string[];
  notBefore?: Date;
  notAfter?: Date;
}

export async function makeTestCertificate(options: TestCertificateOptions): Promise<TestCertificate> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const issuer = options.issuer;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(options.ca === true, undefined, true),
    new x509.KeyUsagesExtension(
      options.ca === true ? x509.KeyUsageFlags.keyCertSign : x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey));
  if (options.hosts)
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        options.hosts.map((host) => ({ type: /^[\d.]+$/.test(host) ? 'ip' : 'dns', value: host })),
      ),
    );
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject: options.subject,
    issuer: issuer ? issuer.certificate.subject : options.subject,
    notBefore: options.notBefore ?? new Date(now - DAY_MS),
    notAfter: options.notAfter ?? new Date(now + 90 * DAY_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: issuer ? issuer.keys.privateKey : keys.privateKey,
    extensions,
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    pem: certificate.toString('pem'),
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
    certificate,
    keys,
  };
}

export async function makeTestChain(
  hosts: readonly string[] = ['api.test', '127.0.0.1'],
  name = 'Test',
): Promise<TestChain> {
  const root = await makeTestCertificate({ subject: `CN=${name} Root CA`, ca: true });
  const intermediate = await makeTestCertificate({ subject: `CN=${name} Issuing CA`, ca: true, issuer: root });
  const leaf = await makeTestCertificate({ subject: `CN=${hosts[0] ?? 'leaf'}`, issuer: intermediate, hosts });
  return {
    root,
    intermediate,
    leaf,
    servedPem: `${leaf.pem}\n${intermediate.pem}\n`,
    fullPem: `${leaf.pem}\n${intermediate.pem}\n${root.pem}\n`,
  };
}
