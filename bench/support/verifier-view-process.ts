/**
 * A fresh process that holds a verifier's view and nothing else, as a node would: bench/verifier-rebuild.ts forks
 * it (with --expose-gc) and tells it, over IPC, which topics to rebuild from; it reports how long the rebuild took
 * and the memory it holds, then answers the bench's correctness checks. The checks' subjects arrive only after the
 * memory is measured, so they are not part of it.
 */
import { EventCatalog } from '@tessera/contracts';
import { createKafka, DeadLetterPublisher, MessagingMetrics, ProducerConnection } from '@tessera/messaging';
import { VerifierView } from '@tessera/verifier';
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { Registry } from 'prom-client';
import { nextRequest, report, runForked } from './parent-channel';
import type { MemoryFigures } from './rebuild-protocol';

/** What a node would log at warn and above (a dead letter, a retry), on stderr, where the bench shows it. */
const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (details: object, message: string) => process.stderr.write(`${message} ${JSON.stringify(details)}\n`),
  error: (details: object, message: string) => process.stderr.write(`${message} ${JSON.stringify(details)}\n`),
};

function collectGarbage(): void {
  if (!global.gc) throw new Error('run with --expose-gc');
  // Twice: what the first collection frees can hold the last references to more.
  global.gc();
  global.gc();
}

function memory(): MemoryFigures {
  collectGarbage();
  const { heapUsed, heapTotal, external, rss } = process.memoryUsage();
  return { heapUsedBytes: heapUsed, heapTotalBytes: heapTotal, externalBytes: external, rssBytes: rss };
}

async function main(): Promise<void> {
  const request = await nextRequest();
  if (request.type !== 'rebuild') throw new Error(`expected a rebuild request, got ${request.type}`);
  const kafka = createKafka(
    {
      brokers: request.brokers,
      clientId: 'tessera-verifier',
      topicPrefix: request.prefix,
      replicationFactor: -1,
      ssl: false,
    },
    logger,
  );
  const producer = new ProducerConnection(kafka);
  const view = new VerifierView({ nodeId: request.nodeId });
  const consumer = view.consumer({
    kafka,
    topicPrefix: request.prefix,
    catalog: new EventCatalog(),
    deadLetters: new DeadLetterPublisher(producer, request.prefix),
    logger,
    metrics: new MessagingMetrics(new Registry()),
  });
  const baseline = memory();

  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let firstRevocationMs = NaN;
  const watch = setInterval(() => {
    if (view.revocations.size > 0) {
      firstRevocationMs = performance.now() - start;
      clearInterval(watch);
    }
  }, 20);
  await consumer.start();
  await consumer.caughtUp;
  const caughtUpMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(watch);

  const caughtUp = memory();
  const heapSnapshot = request.heapSnapshotDir
    ? writeHeapSnapshot(path.join(request.heapSnapshotDir, `verifier-view-${request.nodeId}.heapsnapshot`))
    : undefined;
  await report({
    type: 'rebuilt',
    caughtUpMs,
    firstRevocationMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    baseline,
    caughtUp,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    revocations: view.revocations.size,
    signingKeys: view.keys.size,
    heapSnapshot,
  });

  const check = await nextRequest();
  if (check.type !== 'check') throw new Error(`expected a check request, got ${check.type}`);
  const { revocations } = view;
  await report({
    type: 'checked',
    wronglyRefused: check.notRevoked.filter((s) => revocations.isRevoked(s.tenant, s.kind, s.value)).length,
    wronglyAccepted: check.revoked.filter((s) => !revocations.isRevoked(s.tenant, s.kind, s.value)).length,
  });
  await consumer.stop();
  await producer.disconnect();
}

runForked(main);
