/**
 * A process publishing its share of the benchmark's revocations (bench/verifier-rebuild.ts runs a few side by side:
 * building and encoding events is what takes the time), with a uniform sample of their subjects for the checks.
 */
import { EventCatalog, Topics, topicName } from '@tessera/contracts';
import { createKafka, silentLogger } from '@tessera/messaging';
import type { Message } from 'kafkajs';
import { randomInt } from 'node:crypto';
import { nextRequest, report, runForked } from './parent-channel';
import type { RevokedSubject } from './revocation-stream';
import { RevocationStream } from './revocation-stream';
import { relayMessage } from './relay-message';
import { withRelayProducer } from './relay-producer';

/** A record batch per partition stays well under the broker's 1 MB message limit. */
const SEND_BATCH = 2000;
const SENDS_IN_FLIGHT = 4;

async function main(): Promise<void> {
  const request = await nextRequest();
  if (request.type !== 'publish') throw new Error(`expected a publish request, got ${request.type}`);
  const { count, sampleSize } = request;
  const kafka = createKafka(
    {
      brokers: request.brokers,
      clientId: 'tessera-bench',
      topicPrefix: request.prefix,
      replicationFactor: -1,
      ssl: false,
    },
    silentLogger,
  );
  const stream = new RevocationStream(new EventCatalog(), request.tenants);
  const sample: RevokedSubject[] = [];
  await withRelayProducer(kafka, topicName(Topics.revocations, request.prefix), async (publish) => {
    const inFlight = new Set<Promise<void>>();
    for (let sent = 0; sent < count; sent += SEND_BATCH) {
      const messages: Message[] = [];
      for (let i = sent; i < Math.min(count, sent + SEND_BATCH); i++) {
        const { envelope, subject } = stream.next();
        messages.push(relayMessage(envelope));
        // Reservoir sampling: every revocation is as likely to be checked.
        if (i < sampleSize) sample.push(subject);
        else if (randomInt(i + 1) < sampleSize) sample[randomInt(sampleSize)] = subject;
      }
      const sending = publish(messages).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      if (inFlight.size >= SENDS_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  });
  await report({ type: 'published', sample });
}

runForked(main);
