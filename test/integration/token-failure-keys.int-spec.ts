import { randomUUID } from 'node:crypto';
import { type RequestData, type TokenIssuanceV1, Topics } from '@tessera/contracts';
import { eventually } from '../support/eventually';
import { provisionTopics, testKafka } from '../support/messaging-fixture';
import { testEnvironment, uniqueSuffix } from '../support/test-environment';
import { TokenApp } from '../support/token-app';
import { VerifierApp } from '../support/verifier-app';
import { FailureKeyRing } from '../../apps/token/src/keys/failure-key-ring';

const env = testEnvironment();

const failed = (tenant: string): RequestData<typeof TokenIssuanceV1> => ({
  tenant,
  appId: randomUUID(),
  verdict: 'fail',
  lifetimeSeconds: 300,
});
const passed = (tenant: string): RequestData<typeof TokenIssuanceV1> => ({ ...failed(tenant), verdict: 'pass' });
const algOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { alg: string }).alg;

/**
 * A failure token is told from a forgery by a verifier from the first one an instance signs: the instance makes and
 * publishes its failure keys when it starts (and is ready only once they are on Kafka), and each next key a lead
 * before it signs. No waiting for the label here: every token is checked once, straight after it was issued.
 */
describe('token service: failure keys published before they sign (real Kafka and Postgres)', () => {
  const suffix = uniqueSuffix();
  const schema = `tfk_${suffix}`;
  const prefix = `tfk${suffix}.`;
  let verifier: VerifierApp;
  let token: TokenApp | undefined;

  beforeAll(async () => {
    await provisionTopics(testKafka(env.kafkaBrokers), prefix, [Topics.keys, Topics.revocations, Topics.deadLetter]);
    verifier = await VerifierApp.start(env, prefix, { VERIFIER_NODE_ID: `failure-keys-${suffix}` });
    // The tenants' signing keys come first, from an earlier instance (as in production: a tenant's keys are made
    // when it arrives, long before its first failed attestation): an ES256 tenant and an EdDSA one.
    const earlier = await TokenApp.start(env, schema, prefix);
    await earlier.keys.applySchedule('acme');
    await earlier.keys.updateSettings({ tenantId: 'globex', keyId: null }, { algorithm: 'EdDSA' });
    const genuine = [await earlier.issuance.issue(passed('acme')), await earlier.issuance.issue(passed('globex'))];
    await eventually(
      async () =>
        (await Promise.all(genuine.map((issued) => verifier.verify(issued.token)))).every(
          (decision) => decision.decision === 'accept',
        ),
      'the verifier to know the tenants signing keys',
      10_000,
    );
    await earlier.stop(false);
  });

  afterAll(async () => {
    await token?.stop();
    await verifier.stop();
  });

  /** When each failure key's failure-key.upserted left the outbox for Kafka (null: not yet). */
  const publishedAt = async (app: TokenApp) => {
    const rows = await app.dataSource.query<{ kid: string; publishedAt: Date | null }[]>(
      `SELECT payload->'data'->>'failureKeyId' AS kid, published_at AS "publishedAt" FROM "${app.schema}".outbox_event
       WHERE payload->>'type' = 'failure-key.upserted'`,
    );
    return new Map(rows.map((row) => [row.kid, row.publishedAt?.getTime() ?? null]));
  };

  it('has a failure token issued right after the service starts read as failure-token, for ES256 and EdDSA', async () => {
    const before = Date.now();
    token = await TokenApp.start(env, schema, prefix);
    // Ready means the instance's failure keys are made and on Kafka: before any failure token asked for them.
    const ring = token.app.get(FailureKeyRing);
    const startup = [ring.keysOf('ES256').current, ring.keysOf('EdDSA').current];
    const published = await publishedAt(token);
    for (const kid of startup) expect(published.get(kid!)).toBeGreaterThanOrEqual(before - 1000);
    const es256 = await token.issuance.issue(failed('acme'));
    const eddsa = await token.issuance.issue(failed('globex'));
    expect([algOf(es256.token), algOf(eddsa.token)]).toEqual(['ES256', 'EdDSA']);
    await expect(verifier.verify(es256.token)).resolves.toMatchObject({ decision: 'refuse', reason: 'failure-token' });
    await expect(verifier.verify(eddsa.token)).resolves.toMatchObject({ decision: 'refuse', reason: 'failure-token' });
    // Signed with the keys made at start: the failure tokens made none.
    expect([ring.keysOf('ES256').current, ring.keysOf('EdDSA').current]).toEqual(startup);
    expect((await publishedAt(token)).size).toBe(published.size);
    await token.stop(false);
    token = undefined;
  });

  it('keeps them failure-token across rotations: each next key signs only once verifiers have it', async () => {
    // Failure keys replaced every 3 s, each published 1 s ahead: two hand-overs in 7 s.
    token = await TokenApp.start(env, schema, prefix, {
      TOKEN_FAILURE_KEY_ROTATION_SECONDS: '3',
      TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS: '1',
    });
    const ring = token.app.get(FailureKeyRing);
    const startup = ring.keysOf('ES256').current!;
    /** The first moment each failure key was seen signing. */
    const firstSigned = new Map<string, number>();
    const reasons = new Map<string, number>();
    for (const until = Date.now() + 7_000; Date.now() < until;) {
      const current = ring.keysOf('ES256').current!;
      const at = Date.now();
      const issued = await token.issuance.issue(failed('acme'));
      // The key that signed, when no hand-over happened in between.
      if (ring.keysOf('ES256').current === current && !firstSigned.has(current)) firstSigned.set(current, at);
      const decision = await verifier.verify(issued.token);
      const reason = decision.reason ?? decision.decision;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect([...reasons.keys()]).toEqual(['failure-token']);
    expect(firstSigned.size).toBeGreaterThanOrEqual(3);
    // Each key after the startup one was on Kafka for the lead (1 s) before its first token (50 ms for the clocks).
    const published = await publishedAt(token);
    for (const [kid, at] of firstSigned) {
      if (kid === startup) continue;
      expect(published.get(kid)).not.toBeNull();
      expect(at - published.get(kid)!).toBeGreaterThanOrEqual(1000 - 50);
    }
  });
});
