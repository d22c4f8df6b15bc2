import { DomainPinSchema, PinnedCertificateSchema } from '@tessera/contracts';
import { createHash, X509Certificate } from 'node:crypto';
import { CertificateChainError, type CertificateChainFailure, domainPinOf, pinsFromPem } from './certificate-pins';
import { makeTestCertificate, makeTestChain, type TestChain } from './testing/test-chain';

function expectedPin(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

async function failureOf(pem: string): Promise<CertificateChainError> {
  const error: unknown = await pinsFromPem(pem).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof CertificateChainError))
    throw new Error(`expected a CertificateChainError, got ${String(error)}`);
  return error;
}

describe('pinsFromPem', () => {
  let chain: TestChain;
  beforeAll(async () => {
    chain = await makeTestChain(['api.test']);
  });

  it('pins each certificate of a chain by its key, leaf first, with its place', async () => {
    const pins = await pinsFromPem(chain.fullPem);
    expect(pins.map(({ pin, place }) => ({ pin, place }))).toEqual([
      { pin: expectedPin(chain.leaf.pem), place: 'leaf' },
      { pin: expectedPin(chain.intermediate.pem), place: 'intermediate' },
      { pin: expectedPin(chain.root.pem), place: 'root' },
    ]);
  });

  it('keeps what the contract holds of each certificate', async () => {
    const [leaf] = await pinsFromPem(chain.servedPem);
    const der = new X509Certificate(chain.leaf.pem).raw;
    expect(leaf?.certificate).toEqual({
      subject: 'CN=api.test',
      issuer: 'CN=Test Issuing CA',
      notBefore: chain.leaf.certificate.notBefore.toISOString(),
      notAfter: chain.leaf.certificate.notAfter.toISOString(),
      sha256: createHash('sha256').update(der).digest('hex'),
    });
    expect(PinnedCertificateSchema.safeParse(leaf?.certificate).success).toBe(true);
  });

  it('reads a chain without its root as leaf and intermediate, and one certificate as a leaf', async () => {
    expect((await pinsFromPem(chain.servedPem)).map((p) => p.place)).toEqual(['leaf', 'intermediate']);
    expect((await pinsFromPem(chain.root.pem)).map((p) => p.place)).toEqual(['leaf']);
    expect((await pinsFromPem(`${chain.intermediate.pem}${chain.root.pem}`)).map((p) => p.place)).toEqual([
      'leaf',
      'root',
    ]);
  });

  it('makes a domain pin the contract accepts', async () => {
    const [leaf] = await pinsFromPem(chain.servedPem);
    const domainPin = domainPinOf(leaf!, 'api 2026');
    expect(domainPin).toMatchObject({ source: 'leaf', label: 'api 2026', pin: leaf!.pin });
    expect(DomainPinSchema.parse(domainPin)).toEqual(domainPin);
  });

  it.each<[string, () => string, CertificateChainFailure, number | undefined]>([
    ['an empty input', () => '  \n', 'empty', undefined],
    ['garbage', () => 'hello, this is not PEM', 'not-a-certificate', undefined],
    [
      'a certificate block that is not X.509',
      () => '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
      'not-a-certificate',
      0,
    ],
    [
      'a public key',
      () => `${chain.leaf.pem}-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n`,
      'not-a-certificate',
      1,
    ],
    ['a private key', () => `${chain.leaf.pem}${chain.leaf.keyPem}`, 'private-key', undefined],
    ['a chain out of order', () => `${chain.intermediate.pem}${chain.leaf.pem}`, 'chain-out-of-order', 0],
    ['a chain with a gap', () => `${chain.leaf.pem}${chain.root.pem}`, 'chain-out-of-order', 0],
    ['a repeated certificate', () => `${chain.root.pem}${chain.root.pem}`, 'duplicate-certificate', 1],
    ['more than 10 certificates', () => chain.leaf.pem.repeat(11), 'too-many-certificates', undefined],
    ['PEM over 64 KiB', () => `${chain.leaf.pem}${' '.repeat(64 * 1024)}`, 'too-large', undefined],
  ])('refuses %s with a reason', async (_what, pem, failure, position) => {
    const error = await failureOf(pem());
    expect(error.failure).toBe(failure);
    expect(error.position).toBe(position);
  });

  it('refuses a chain whose next certificate has the issuer name but another key', async () => {
    const impostor = await makeTestCertificate({ subject: 'CN=Test Issuing CA', ca: true });
    expect((await failureOf(`${chain.leaf.pem}${impostor.pem}`)).failure).toBe('chain-out-of-order');
  });

  it('never echoes the input in its message', async () => {
    const error = await failureOf(`${chain.leaf.pem}${chain.leaf.keyPem}`);
    expect(error.message).not.toContain('BEGIN');
    expect(error.message).toMatch(/private key/);
  });
});
