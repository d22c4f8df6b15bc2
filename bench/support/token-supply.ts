import { randomBytes, randomUUID } from 'node:crypto';
import { TokenIssuanceV1 } from '@tessera/contracts';
import { createKafka, KafkaRequester, silentLogger } from '@tessera/messaging';

/** Apps the tokens are spread over, as a tenant's tokens would be. */
const APPS = Array.from({ length: 16 }, () => randomUUID());

/**
 * Genuine tokens of one tenant, from the running token service through its token.issue request/reply over Kafka
 * (what the integrity service asks after a passing attestation).
 */
export class TokenSupply {
  private readonly requester: KafkaRequester;
  private issued = 0;

  constructor(
    brokers: string,
    topicPrefix: string,
    private readonly tenant: string,
    private readonly lifetimeSeconds = 3600,
  ) {
    this.requester = new KafkaRequester({
      kafka: createKafka(
        { brokers: brokers.split(','), clientId: 'bench', topicPrefix, replicationFactor: -1, ssl: false },
        silentLogger,
      ),
      topicPrefix,
      requests: [TokenIssuanceV1],
      logger: silentLogger,
      // The reply consumer's group is named after this id: with the prefix in it, clean-up finds it.
      instanceId: `${topicPrefix}bench-tokens`,
    });
  }

  start(): Promise<void> {
    return this.requester.start();
  }

  stop(): Promise<void> {
    return this.requester.stop();
  }

  /** A token for `deviceId` (by default a device of its own). */
  async issue(deviceId = `device-${randomUUID()}`): Promise<string> {
    const reply = await this.requester.request(
      TokenIssuanceV1,
      {
        tenant: this.tenant,
        appId: APPS[this.issued++ % APPS.length] ?? randomUUID(),
        verdict: 'pass',
        registrationId: randomUUID(),
        installationKeyThumbprint: randomBytes(32).toString('base64url'),
        deviceId,
        lifetimeSeconds: this.lifetimeSeconds,
      },
      { timeoutMs: 30_000 },
    );
    return reply.token;
  }

  /** `count` tokens, each for a device of its own, `inFlight` requests at a time. */
  async issueMany(count: number, inFlight = 64): Promise<string[]> {
    const tokens: string[] = new Array<string>(count);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(inFlight, count) }, async () => {
        while (next < count) {
          const i = next++;
          tokens[i] = await this.issue();
        }
      }),
    );
    return tokens;
  }
}
