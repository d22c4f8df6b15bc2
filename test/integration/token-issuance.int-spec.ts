import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { type RequestData, TokenIssuanceV1 } from '@tessera/contracts';
import { KafkaRequester, RequestTimeoutError, silentLogger } from '@tessera/messaging';
import type { JwksEntry } from '@tessera/tokens';
import { createVerifier } from 'fast-jwt';
import { decodeJwt } from 'jose';
import { testKafka } from '../support/messaging-fixture';
import { TopicProbe } from '../support/kafka-probe';
import { eventually } from '../support/eventually';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';
import { TokenApp } from '../support/token-app';

const env = testEnvironment();
const tenant = 'acme';
const issuer = 'https://tessera.test/tenants/acme';

const request = (verdict: 'pass' | 'fail'): RequestData<typeof TokenIssuanceV1> => ({
  tenant,
  appId: randomUUID(),
  verdict,
  registrationId: randomUUID(),
  installationKeyThumbprint: randomBytes(32).toString('base64url'),
  clientIp: '203.0.113.9',
  lifetimeSeconds: 300,
});

describe('token issuance over Kafka request/reply (real broker and database)', () => {
  const suffix = uniqueSuffix();
  const schema = `tki_${suffix}`;
  const prefix = `tki${suffix}.`;
  let app: TokenApp;
  let requester: KafkaRequester;
  let verify: (token: string) => Promise<Record<string, unknown>>;

  beforeAll(async () => {
    app = await TokenApp.start(env, schema, prefix);
    requester = new KafkaRequester({
      kafka: testKafka(env.kafkaBrokers),
      topicPrefix: prefix,
      requests: [TokenIssuanceV1],
      logger: silentLogger,
    });
    await requester.start();
    // The tenant's keys exist after its first request; then an independent library verifies with the JWKS alone.
    await requester.request(TokenIssuanceV1, request('pass'), { timeoutMs: 10_000 });
    const jwks = (await app.get(`/tenants/${tenant}/.well-known/jwks.json`)).body as { keys: JwksEntry[] };
    const verifier = createVerifier({
      algorithms: ['ES256'],
      allowedIss: issuer,
      allowedAud: `tessera:${tenant}`,
      key: (decoded: { header: { kid?: string } }) => {
        const jwk = jwks.keys.find((key) => key.kid === decoded.header.kid);
        return jwk
          ? Promise.resolve(
              createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString(),
            )
          : Promise.reject(new Error('kid not in the JWKS'));
      },
    });
    verify = async (token) => (await verifier(token)) as Record<string, unknown>;
  });

  afterAll(async () => {
    await requester.stop();
    await app.stop();
  });

  it('answers hundreds of concurrent requests, each with its own token: valid for pass, refused for fail', async () => {
    const requests = Array.from({ length: 300 }, (_, i) => request(i % 3 === 0 ? 'fail' : 'pass'));
    const replies = await Promise.all(
      requests.map((r) => requester.request(TokenIssuanceV1, r, { timeoutMs: 20_000 })),
    );
    for (const [i, reply] of replies.entries()) {
      const sent = requests[i]!;
      // Its own reply: the token names the app and registration of this request, not another's.
      expect(decodeJwt(reply.token)).toMatchObject({
        sub: sent.appId,
        reg: sent.registrationId,
        ipk: sent.installationKeyThumbprint,
      });
      expect(reply.lifetimeSeconds).toBe(300);
      if (sent.verdict === 'pass') await expect(verify(reply.token)).resolves.toMatchObject({ sub: sent.appId });
      else await expect(verify(reply.token)).rejects.toThrow();
    }
    const lengths = new Set(replies.map((reply) => reply.token.length));
    expect(lengths.size).toBe(1);
  });

  it('publishes token.issued for each token, with its outcome (the token itself never tells)', async () => {
    const probe = await new TopicProbe(env.kafkaBrokers, [`${prefix}tessera.tokens.v1`]).start();
    try {
      const [pass, fail] = [request('pass'), request('fail')];
      await requester.request(TokenIssuanceV1, pass, { timeoutMs: 10_000 });
      await requester.request(TokenIssuanceV1, fail, { timeoutMs: 10_000 });
      const issued = (appId: string) =>
        probe.received
          .map((m) => (m.value === null ? undefined : (JSON.parse(m.value) as { data: Record<string, unknown> })))
          .find((e) => e?.data.appId === appId);
      await eventually(
        () => issued(pass.appId) !== undefined && issued(fail.appId) !== undefined,
        'token.issued events',
      );
      expect(issued(pass.appId)?.data).toMatchObject({
        outcome: 'valid',
        registrationId: pass.registrationId,
        clientIp: '203.0.113.9',
      });
      expect(issued(fail.appId)?.data).toMatchObject({ outcome: 'failure' });
    } finally {
      await probe.stop();
    }
  });

  it('refuses an invalid request before sending it: a pass names its registration', async () => {
    const { registrationId: _dropped, ...withoutRegistration } = request('pass');
    await expect(requester.request(TokenIssuanceV1, withoutRegistration, { timeoutMs: 1000 })).rejects.toThrow(
      /registrationId/,
    );
  });

  it('times out with a clear error while the token service is down, and answers again once it is back', async () => {
    await app.stop(false);
    const down = requester.request(TokenIssuanceV1, request('pass'), { timeoutMs: 1500 });
    await expect(down).rejects.toBeInstanceOf(RequestTimeoutError);
    await expect(down).rejects.toThrow(/token\.issue@v1.*1500 ms/);
    app = await TokenApp.start(env, schema, prefix);
    const reply = await requester.request(TokenIssuanceV1, request('pass'), { timeoutMs: 20_000 });
    await expect(verify(reply.token)).resolves.toMatchObject({ iss: issuer });
  });
});
