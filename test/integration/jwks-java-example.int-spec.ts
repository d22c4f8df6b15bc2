import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { RequestData, TokenIssuanceV1 } from '@tessera/contracts';
import { eventually } from '../support/eventually';
import { repoRoot, testEnvironment, uniqueSuffix } from '../support/test-environment';
import { TokenApp } from '../support/token-app';

/**
 * examples/jwks-java, built with Maven (the dependencies fetched from Maven Central on first use) and run as
 * `java -jar`, against the token service's JWKS: the decisions of another language's verifier with nothing else.
 */

const env = testEnvironment();
const suffix = uniqueSuffix();
const project = path.join(repoRoot, 'examples', 'jwks-java');
const jar = path.join(project, 'target', 'tessera-jwks-check.jar');
const issuerOf = (tenant: string) => `https://tessera.test/tenants/${tenant}`;

interface Decision {
  decision: 'accept' | 'refuse';
  reason?: string;
  tenant?: string;
  claims?: Record<string, unknown>;
}

const genuine = (
  tenant: string,
  extra: Partial<RequestData<typeof TokenIssuanceV1>> = {},
): RequestData<typeof TokenIssuanceV1> => ({
  tenant,
  appId: randomUUID(),
  verdict: 'pass',
  registrationId: randomUUID(),
  installationKeyThumbprint: randomBytes(32).toString('base64url'),
  lifetimeSeconds: 300,
  ...extra,
});

/** The same token with one claim changed and the signature kept. */
function tampered(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const changed = Buffer.from(JSON.stringify({ ...claims, sub: randomUUID() })).toString('base64url');
  return `${header}.${changed}.${signature}`;
}

/** A token whose header picks its own algorithm: what RFC 8725 says never to let a token do. */
function withAlgorithm(token: string, alg: string): string {
  const [header, payload] = token.split('.') as [string, string, string];
  const forged = { ...(JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as object), alg };
  const signingInput = `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${payload}`;
  return alg === 'none'
    ? `${signingInput}.`
    : `${signingInput}.${createHmac('sha256', 'guess').update(signingInput).digest('base64url')}`;
}

/** One run of the program: its exit code and the decision it printed. */
function check(args: string[], stdin?: string): Promise<{ code: number | null; decision: Decision; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-jar', jar, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        resolve({ code, decision: JSON.parse(stdout) as Decision, stderr });
      } catch {
        reject(new Error(`no decision printed (exit ${code}): ${stdout}${stderr}`));
      }
    });
    child.stdin.end(stdin ?? '');
  });
}

/** The program in --lines mode: one verifier, one JWKS cache, a token in and a decision out at a time. */
class LineSession {
  private readonly answers: AsyncIterator<string>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static start(args: string[]): LineSession {
    return new LineSession(spawn('java', ['-jar', jar, '--lines', ...args]));
  }

  async verify(token: string): Promise<Decision> {
    this.child.stdin.write(`${token}\n`);
    const answer = await this.answers.next();
    if (answer.done) throw new Error('the program ended without answering');
    return JSON.parse(answer.value) as Decision;
  }

  async end(): Promise<number | null> {
    const closed = new Promise<number | null>((resolve) => this.child.once('close', resolve));
    this.child.stdin.end();
    return closed;
  }
}

describe('examples/jwks-java: a Java verifier with only the JWKS (token service on the real broker and database)', () => {
  let app: TokenApp;
  const acme = (extra: string[] = []) => [
    '--issuer',
    issuerOf('acme'),
    '--jwks',
    `${app.url}/tenants/acme/.well-known/jwks.json`,
    ...extra,
  ];

  beforeAll(async () => {
    // Maven fetches nimbus-jose-jwt and the plugins once; after that the build is offline.
    const build = promisify(execFile)('mvn', ['-q', '-B', '-Dstyle.color=never', 'package'], { cwd: project });
    const started = TokenApp.start(env, `jwksjava_${suffix}`, `jwksjava${suffix}.`);
    await Promise.all([
      build.catch((error: unknown) => {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        throw new Error(`mvn package failed in ${project} (Java 17+ and Maven are needed):\n${stdout}${stderr}`);
      }),
      started.then((token) => (app = token)),
    ]);
  }, 300_000);

  afterAll(async () => {
    await app.stop();
  });

  it('accepts a genuine token (exit 0) and prints its claims', async () => {
    const request = genuine('acme');
    const { token } = await app.issuance.issue(request);
    // From standard input, as a script keeping tokens out of the process list would.
    const { code, decision } = await check(acme(), token);
    expect(code).toBe(0);
    expect(decision).toMatchObject({
      decision: 'accept',
      tenant: 'acme',
      claims: {
        iss: issuerOf('acme'),
        aud: 'tessera:acme',
        sub: request.appId,
        reg: request.registrationId,
        ipk: request.installationKeyThumbprint,
      },
    });
  });

  it('refuses a tampered token (exit 1, bad-signature) and one of another tenant (unknown-key)', async () => {
    const { token } = await app.issuance.issue(genuine('acme'));
    await expect(check(acme([tampered(token)]))).resolves.toMatchObject({
      code: 1,
      decision: { decision: 'refuse', reason: 'bad-signature' },
    });
    const globex = await app.issuance.issue(genuine('globex'));
    await expect(check(acme([globex.token]))).resolves.toMatchObject({
      code: 1,
      decision: { decision: 'refuse', reason: 'unknown-key' },
    });
  });

  it('refuses a token for another audience, and a bound token without the value it is bound to', async () => {
    const { token } = await app.issuance.issue(genuine('acme'));
    await expect(check(acme(['--audience', 'api.example.com', token]))).resolves.toMatchObject({
      code: 1,
      decision: { reason: 'wrong-audience' },
    });
    const authorization = `Bearer ${randomBytes(16).toString('hex')}`;
    const bound = await app.issuance.issue(
      genuine('acme', { payloadBinding: createHash('sha256').update(authorization).digest('base64url') }),
    );
    await expect(check(acme(['--bound-value', authorization, bound.token]))).resolves.toMatchObject({ code: 0 });
    await expect(check(acme(['--bound-value', 'Bearer other', bound.token]))).resolves.toMatchObject({
      code: 1,
      decision: { reason: 'binding-mismatch' },
    });
  });

  it('in one process: refuses none, HS256 and failure tokens, and fetches the JWKS again for a new key (EdDSA)', async () => {
    const tenant = 'initech';
    const actor = { tenantId: tenant, keyId: null };
    const es256 = await app.issuance.issue(genuine(tenant));
    const jwksPath = `/tenants/${tenant}/.well-known/jwks.json`;
    // The JWKS is a snapshot a moment behind a new tenant's keys; the Java side would then wait out its own limit.
    const signedBy = (JSON.parse(Buffer.from(es256.token.split('.')[0]!, 'base64url').toString()) as { kid: string })
      .kid;
    await eventually(
      async () => JSON.stringify((await app.get(jwksPath)).body).includes(signedBy),
      'the key in the JWKS',
    );
    const session = LineSession.start(['--issuer', issuerOf(tenant), '--jwks', `${app.url}${jwksPath}`]);
    try {
      await expect(session.verify(es256.token)).resolves.toMatchObject({ decision: 'accept', tenant });
      await expect(session.verify(withAlgorithm(es256.token, 'none'))).resolves.toMatchObject({
        reason: 'algorithm-not-allowed',
      });
      await expect(session.verify(withAlgorithm(es256.token, 'HS256'))).resolves.toMatchObject({
        reason: 'algorithm-not-allowed',
      });
      const failure = await app.issuance.issue({ tenant, appId: randomUUID(), verdict: 'fail', lifetimeSeconds: 300 });
      await expect(session.verify(failure.token)).resolves.toMatchObject({ reason: 'bad-signature' });

      // A key made after the JWKS was cached: its kid is unknown there, so the set is fetched again.
      await app.keys.updateSettings(actor, { algorithm: 'EdDSA' });
      await app.keys.rotate(actor, { force: true });
      const eddsa = await app.issuance.issue(genuine(tenant));
      expect(eddsa.kid).not.toBe(es256.kid);
      // The token service's JWKS shows a key change within a second: wait for it, as an hour's publish lead would.
      await eventually(async () => JSON.stringify((await app.get(jwksPath)).body).includes(eddsa.kid), 'the new key');
      await expect(session.verify(eddsa.token)).resolves.toMatchObject({ decision: 'accept', tenant });
      await expect(session.verify(tampered(eddsa.token))).resolves.toMatchObject({ reason: 'bad-signature' });
    } finally {
      expect(await session.end()).toBe(0);
    }
  });
});
