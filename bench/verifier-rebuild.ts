/**
 * A verifier node's rebuild over a million revocations (issue 6: "under 200 MB, rebuilt in under 10 s"). On a topic
 * prefix of its own, it provisions the keys and revocations topics as the services do, publishes a signing key per
 * tenant and `--revocations` genuine `revocation.upserted` events as the outbox relay would, then, `--rebuilds`
 * times, forks a fresh process that holds only a VerifierView and its consumer (libs/verifier), which reports the
 * time from consumer.start() to caughtUp and the memory it holds after a forced GC. Each rebuild is then checked:
 * every revocation held, a sample of revoked subjects refused, others (fresh values, another tenant, another kind)
 * not. After each rebuild, a bare kafkajs consumer reads the same topics in a fresh process of its own: the floor
 * under any consumer built on kafkajs, on the machine as loaded as it was. Prints figures; targets live in
 * docs/benchmarks.md, not in assertions (a failed check exits non-zero).
 *
 *   npm run bench:verifier-rebuild [-- --revocations 1000000 --tenants 5 --rebuilds 3 --profile-dir /tmp/prof]
 *   (builds first; scripts/bench.mjs passes the infra:up settings; --profile-dir writes a CPU profile and a heap
 *   snapshot of each rebuild there)
 */
import { EventCatalog, SigningKeyUpsertedV1, Topics, topicName } from '@tessera/contracts';
import { createKafka, silentLogger, TopicProvisioner } from '@tessera/messaging';
import { generateKeyMaterial } from '@tessera/tokens';
import Table from 'cli-table3';
import type { Kafka } from 'kafkajs';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { totalmem } from 'node:os';
import path from 'node:path';
import { relayMessage } from './support/relay-message';
import { type RevokedSubject, subjectValue } from './support/revocation-stream';
import { withRelayProducer } from './support/relay-producer';
import { ForkedChild } from './support/forked-child';
import { machineLoad } from './support/machine-load';
import { mib } from './support/stats';

/** No colours: the tables are pasted into docs/benchmarks.md. */
const PLAIN = { head: [], border: [] };
const TENANT_NAMES = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'tyrell', 'cyberdyne'];
/** Building and encoding a million events takes minutes in one process; the machine has two cores. */
const PUBLISHERS = 2;
const SAMPLE_SIZE = 1000;
const REBUILD_TIMEOUT_MS = 10 * 60_000;

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

function stringArg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

function brokers(): string[] {
  const value = process.env.KAFKA_BROKERS;
  if (!value) throw new Error('set KAFKA_BROKERS, or run it through `npm run bench:verifier-rebuild`');
  return value.split(',');
}

async function main(): Promise<void> {
  const total = arg('revocations', 1_000_000);
  const tenants = TENANT_NAMES.slice(0, Math.max(1, Math.min(TENANT_NAMES.length, arg('tenants', 5))));
  const rebuilds = arg('rebuilds', 3);
  const profileDir = stringArg('profile-dir');
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const suffix = randomBytes(4).toString('hex');
  const prefix = `bench-${suffix}.`;
  const nodeIds = Array.from({ length: rebuilds }, (_, i) => `bench-rebuild-${suffix}-${i + 1}`);
  const readerGroupIds = nodeIds.map((nodeId) => `${prefix}bench-reader-${nodeId}`);
  const kafka = createKafka(
    { brokers: brokers(), clientId: 'tessera-bench', topicPrefix: prefix, replicationFactor: -1, ssl: false },
    silentLogger,
  );
  const catalog = new EventCatalog();
  try {
    await provision(kafka, prefix);
    const publishStart = performance.now();
    await publishSigningKeys(kafka, prefix, catalog, tenants);
    const revoked = await publishRevocations(prefix, tenants, total);
    const publishSeconds = (performance.now() - publishStart) / 1000;
    const notRevoked = unrevokedLookalikes(revoked, tenants);
    console.log(
      `published ${total} revocations over ${tenants.length} tenants (${tenants.join(', ')}) and ${tenants.length} signing keys in ${publishSeconds.toFixed(1)} s (${Math.round(total / publishSeconds)}/s)`,
    );

    const table = new Table({
      style: PLAIN,
      head: [
        'rebuild',
        'caught up',
        'first event',
        'CPU',
        'kafkajs alone (CPU)',
        'heapUsed',
        'external',
        'RSS',
        'RSS − baseline',
        'peak RSS',
        'checks',
      ],
    });
    let failures = 0;
    for (const [i, nodeId] of nodeIds.entries()) {
      const { rebuilt, wrongAnswers } = await rebuildInFreshProcess({
        prefix,
        nodeId,
        profileDir,
        revoked,
        notRevoked,
      });
      const problems = [
        ...wrongAnswers,
        ...(rebuilt.revocations === total ? [] : [`${rebuilt.revocations} revocations held, not ${total}`]),
        ...(rebuilt.signingKeys === tenants.length ? [] : [`${rebuilt.signingKeys} signing keys held`]),
      ];
      failures += problems.length;
      // Right after, on the same topics: what kafkajs alone takes to read them, as load on the machine varies.
      const bare = await readInFreshProcess(prefix, readerGroupIds[i] ?? '');
      table.push([
        String(i + 1),
        `${seconds(rebuilt.caughtUpMs)} (${Math.round(total / (rebuilt.caughtUpMs / 1000))}/s)`,
        seconds(rebuilt.firstRevocationMs),
        seconds(rebuilt.cpuMs),
        `${seconds(bare.readMs)} (${seconds(bare.cpuMs)})`,
        mib(rebuilt.caughtUp.heapUsedBytes),
        mib(rebuilt.caughtUp.externalBytes),
        mib(rebuilt.caughtUp.rssBytes),
        mib(rebuilt.caughtUp.rssBytes - rebuilt.baseline.rssBytes),
        mib(rebuilt.peakRssBytes),
        problems.length === 0 ? `ok (${revoked.length} + ${notRevoked.length})` : problems.join('; '),
      ]);
      if (rebuilt.heapSnapshot) console.log(`heap snapshot: ${rebuilt.heapSnapshot}`);
      if (i === 0) {
        const { heapUsedBytes, externalBytes, rssBytes } = rebuilt.baseline;
        console.log(
          `the view process before consuming (after GC): heapUsed ${mib(heapUsedBytes)}, external ${mib(externalBytes)}, RSS ${mib(rssBytes)}`,
        );
      }
    }
    console.log(
      `verifier view rebuilt from ${total} revocations, Node.js ${process.version}, ${mib(totalmem())} RAM, ${machineLoad()}`,
    );
    console.log(table.toString());
    console.log('targets: caught up in under 10 s, under 200 MB (191 MiB) held');
    if (profileDir) console.log(`CPU profiles: ${path.resolve(profileDir)}/*.cpuprofile`);
    if (failures > 0) process.exitCode = 1;
  } finally {
    await cleanUp(kafka, prefix, [
      ...nodeIds.map((nodeId) => `${prefix}tessera-verifier-${nodeId}`),
      ...readerGroupIds,
    ]);
  }
}

/** A VerifierView rebuilt in a process of its own, then checked: its report and what the checks found wrong. */
async function rebuildInFreshProcess(options: {
  prefix: string;
  nodeId: string;
  profileDir: string | undefined;
  revoked: RevokedSubject[];
  notRevoked: RevokedSubject[];
}) {
  const { prefix, nodeId, profileDir, revoked, notRevoked } = options;
  const child = ForkedChild.start('verifier-view-process', profileDir);
  try {
    const rebuilt = await child.ask(
      { type: 'rebuild', brokers: brokers(), prefix, nodeId, heapSnapshotDir: profileDir },
      'rebuilt',
      REBUILD_TIMEOUT_MS,
    );
    const checked = await child.ask({ type: 'check', revoked, notRevoked }, 'checked', 60_000);
    const wrongAnswers = [
      ...(checked.wronglyAccepted === 0 ? [] : [`${checked.wronglyAccepted} revoked subjects accepted`]),
      ...(checked.wronglyRefused === 0 ? [] : [`${checked.wronglyRefused} unrevoked subjects refused`]),
    ];
    return { rebuilt, wrongAnswers };
  } finally {
    await child.stop();
  }
}

/** Both topics read by a bare kafkajs consumer in a process of its own. */
async function readInFreshProcess(prefix: string, groupId: string) {
  const child = ForkedChild.start('kafka-read-process');
  try {
    return await child.ask({ type: 'read', brokers: brokers(), prefix, groupId }, 'read', REBUILD_TIMEOUT_MS);
  } finally {
    await child.stop();
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** One active ES256 key per tenant on the keys topic, as the token service publishes it. */
async function publishSigningKeys(kafka: Kafka, prefix: string, catalog: EventCatalog, tenants: string[]) {
  const now = new Date().toISOString();
  const messages = tenants.map((tenant) => {
    const material = generateKeyMaterial('ES256');
    return relayMessage(
      catalog.build(SigningKeyUpsertedV1, {
        tenant,
        producer: 'token',
        data: {
          kid: `${tenant}-${randomBytes(8).toString('hex')}`,
          alg: 'ES256',
          state: 'active',
          issuer: `https://tessera.example.com/tenants/${tenant}`,
          publicJwk: material.publicJwk,
          createdAt: now,
          activatedAt: now,
          deactivatedAt: null,
          retiresAt: null,
          revokedAt: null,
          revocationReason: null,
        },
      }),
    );
  });
  await withRelayProducer(kafka, topicName(Topics.keys, prefix), async (publish) => {
    await publish(messages);
  });
}

/**
 * `total` revocations from `PUBLISHERS` processes side by side, each its share; a uniform sample of `SAMPLE_SIZE`
 * of their subjects (equal shares, equal samples) for the checks.
 */
async function publishRevocations(prefix: string, tenants: string[], total: number): Promise<RevokedSubject[]> {
  const shares = Array.from(
    { length: PUBLISHERS },
    (_, i) => Math.floor(total / PUBLISHERS) + (i < total % PUBLISHERS ? 1 : 0),
  );
  const samples = await Promise.all(
    shares.map(async (count) => {
      const child = ForkedChild.start('revocation-publish-process');
      try {
        const sampleSize = Math.round((SAMPLE_SIZE * count) / total);
        const request = { type: 'publish', brokers: brokers(), prefix, tenants, count, sampleSize } as const;
        return (await child.ask(request, 'published', REBUILD_TIMEOUT_MS)).sample;
      } finally {
        await child.stop();
      }
    }),
  );
  return samples.flat();
}

/** Subjects that must not be refused: a fresh value, a revoked value under another tenant, or under another kind. */
function unrevokedLookalikes(revoked: readonly RevokedSubject[], tenants: readonly string[]): RevokedSubject[] {
  const kinds = ['device', 'installation', 'registration', 'token'] as const;
  return revoked.map((subject, i) => {
    switch (i % 3) {
      case 0:
        return { ...subject, value: subjectValue(subject.kind) };
      case 1: {
        const others = tenants.filter((tenant) => tenant !== subject.tenant);
        return others.length === 0
          ? { ...subject, value: subjectValue(subject.kind) }
          : { ...subject, tenant: others[randomInt(others.length)] ?? '' };
      }
      default: {
        const others = kinds.filter((kind) => kind !== subject.kind);
        return { ...subject, kind: others[randomInt(others.length)] ?? 'token' };
      }
    }
  });
}

async function provision(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await new TopicProvisioner(admin, prefix, -1, silentLogger).provision([
      Topics.keys,
      Topics.revocations,
      Topics.deadLetter,
    ]);
  } finally {
    await admin.disconnect();
  }
}

/** Drops the prefix's topics and the nodes' consumer groups: a benchmark leaves nothing behind. */
async function cleanUp(kafka: Kafka, prefix: string, groupIds: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.deleteGroups(groupIds).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
