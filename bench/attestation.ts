/**
 * Complete attestations per second on this machine with every service running (issue 7): the built registration,
 * token and integrity services and a verifier node as their own processes, on the local broker and database; a tenant
 * bootstrapped, an Android app and its registration made through the admin API. A forked load process plays
 * `--concurrency` simulated genuine devices at a time, each attesting in a loop as the SDK does (challenge, sign the
 * evidence, attest), for `--warm-up` then `--seconds` per level. Reported: attestations a second, the latency of a
 * complete attestation and of its parts at p50/p90/p99, the integrity service's own account of where an attest
 * request's time goes (`tessera_attestation_stage_seconds`: evidence check, nonce in Postgres, verdict, token over
 * Kafka, audit event in the outbox) and the CPU each service spent per attestation. A token from each level must be
 * accepted by the verifier node, and every answer must be a genuine device's, or the run exits 1.
 *
 *   npm run bench:attestation [-- --concurrency 1,8,32 --seconds 10 --warm-up 3]
 *   (builds first; scripts/bench.mjs passes the infra:up settings)
 */
import type { AppMeasurement } from '@tessera/contracts';
import Table from 'cli-table3';
import { fork } from 'node:child_process';
import path from 'node:path';
import type { AttestationLoadResult, AttestationLoadSpec } from './support/attestation-load-child';
import { machineLoad } from './support/machine-load';
import { cpuSecondsByCommand } from './support/process-group-cpu';
import { processCpuSeconds } from './support/service-child';
import { ServicePlatform } from './support/service-platform';
import { ms, summarise } from './support/stats';
import { acceptsToken } from './support/verifier-client';

/** No colours: the tables are pasted into docs/benchmarks.md. */
const PLAIN = { head: [], border: [] };
const STAGES = ['evidence', 'nonce', 'verdict', 'token', 'record'] as const;
const CERTIFICATE = 'b7'.repeat(32);

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

async function adminCall(platform: ServicePlatform, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${platform.registrationUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${platform.adminKey}` },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Sum and count of each stage of `tessera_attestation_stage_seconds`, as the integrity service's /metrics says. */
async function stageTotals(integrityUrl: string): Promise<Map<string, { sum: number; count: number }>> {
  const text = await (await fetch(`${integrityUrl}/metrics`)).text();
  const totals = new Map<string, { sum: number; count: number }>();
  for (const match of text.matchAll(
    /^tessera_attestation_stage_seconds_(sum|count)\{[^}]*stage="([a-z]+)"[^}]*\} ([\d.e+-]+)$/gm,
  )) {
    const [, kind, stage = '', value = '0'] = match;
    const entry = totals.get(stage) ?? { sum: 0, count: 0 };
    if (kind === 'sum') entry.sum = Number(value);
    else entry.count = Number(value);
    totals.set(stage, entry);
  }
  return totals;
}

function runLoad(spec: AttestationLoadSpec): Promise<AttestationLoadResult & { sampleToken?: string }> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'support', 'attestation-load-child.js'), [], {
      env: { ...process.env, ATTESTATION_LOAD: JSON.stringify(spec) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: AttestationLoadResult | undefined;
    child.on('message', (message) => (result = message as AttestationLoadResult));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`the load process exited with ${String(code)} and no result`));
    });
  });
}

interface Level {
  concurrency: number;
  result: AttestationLoadResult;
  stages: Map<string, number>;
  /** ms of CPU per attestation, by process (group). */
  cpuMsPerAttestation: Record<'integrity' | 'token' | 'postgres' | 'kafka' | 'load', number | null>;
}

async function main(): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS;
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!brokers || !databaseUrl) throw new Error('run it through `npm run bench:attestation`');
  const levels = arg('concurrency', '1,8,32').split(',').map(Number);
  const seconds = Number(arg('seconds', '10'));
  const warmUpSeconds = Number(arg('warm-up', '3'));
  const platform = await ServicePlatform.start({
    brokers,
    databaseUrl,
    label: 'at',
    verifierNodes: 1,
    integrity: true,
    // One load process is one client IP: the per-IP limit is for phones, not for a benchmark.
    integritySettings: { INTEGRITY_RATE_LIMIT_PER_IP: '10000000', INTEGRITY_RATE_LIMIT_PER_APP: '10000000' },
    logLevel: 'warn',
  });
  const results: Level[] = [];
  let failures = 0;
  try {
    const integrity = platform.integrityService;
    const [verifier] = platform.verifiers;
    if (!integrity || !verifier) throw new Error('the platform has no integrity service or verifier node');
    const team = await adminCall(platform, '/v1/teams', { name: 'Bench' });
    const packageName = 'com.example.bench';
    const app = await adminCall(platform, '/v1/apps', {
      name: 'Bench',
      teamId: team.id,
      platform: 'android',
      packageName,
    });
    await adminCall(platform, '/v1/registrations', {
      appId: app.id,
      signingCertificateSha256: [CERTIFICATE],
      versionCodes: { min: 1, max: null },
    });
    const appId = app.id as string;
    // The integrity service's view has the app once its challenge answers.
    for (let tries = 0; ; tries++) {
      const challenge = await fetch(`${integrity.url}/v1/challenge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: platform.tenant, appId }),
      });
      if (challenge.status === 201) break;
      if (tries > 200) throw new Error(`the integrity service never knew the app (${challenge.status})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const measurement: AppMeasurement = {
      platform: 'android',
      packageName,
      signingCertificateSha256: [CERTIFICATE],
      versionCode: 7,
    };

    for (const concurrency of levels) {
      const before = await stageTotals(integrity.url);
      const cpuBefore = {
        integrity: await processCpuSeconds(integrity.pid),
        token: await platform.tokenCpuSeconds(),
        groups: await cpuSecondsByCommand(['postgres', 'java']),
      };
      const result = await runLoad({
        integrityUrl: integrity.url,
        tenant: platform.tenant,
        appId,
        measurement,
        concurrency,
        warmUpSeconds,
        seconds,
      });
      const after = await stageTotals(integrity.url);
      const cpuAfter = {
        integrity: await processCpuSeconds(integrity.pid),
        token: await platform.tokenCpuSeconds(),
        groups: await cpuSecondsByCommand(['postgres', 'java']),
      };
      const stages = new Map<string, number>();
      for (const stage of STAGES) {
        const b = before.get(stage) ?? { sum: 0, count: 0 };
        const a = after.get(stage) ?? { sum: 0, count: 0 };
        stages.set(stage, a.count > b.count ? ((a.sum - b.sum) / (a.count - b.count)) * 1000 : NaN);
      }
      // Warm-up attestations burn CPU too: spread it over every attestation the level made.
      const made = (after.get('record')?.count ?? 0) - (before.get('record')?.count ?? 0);
      const perAttestation = (a: number | null, b: number | null) =>
        a === null || b === null || made === 0 ? null : ((a - b) * 1000) / made;
      results.push({
        concurrency,
        result,
        stages,
        cpuMsPerAttestation: {
          integrity: perAttestation(cpuAfter.integrity, cpuBefore.integrity),
          token: perAttestation(cpuAfter.token, cpuBefore.token),
          postgres: perAttestation(cpuAfter.groups.get('postgres') ?? null, cpuBefore.groups.get('postgres') ?? null),
          // The broker is the only java process of the machine's services.
          kafka: perAttestation(cpuAfter.groups.get('java') ?? null, cpuBefore.groups.get('java') ?? null),
          load: result.made > 0 ? (result.cpuSeconds * 1000) / result.made : null,
        },
      });
      const problems = Object.entries(result.unexpected);
      if (problems.length > 0) {
        failures += 1;
        console.error(`concurrency ${concurrency}: unexpected answers ${JSON.stringify(result.unexpected)}`);
      }
      if (!result.sampleToken || !(await acceptsToken(verifier.url, result.sampleToken))) {
        failures += 1;
        console.error(`concurrency ${concurrency}: the verifier did not accept a token the attestations got`);
      }
    }
  } finally {
    await platform.stop();
  }

  console.log(
    `complete attestations (challenge + SDK evidence + attest), built services as their own processes, LOG_LEVEL=warn, Node.js ${process.version}, ${machineLoad()}`,
  );
  console.log(
    `load from its own process, ${warmUpSeconds} s warm-up then ${seconds} s per level; one installation key per simulated device`,
  );
  const table = new Table({
    head: [
      'devices',
      'attestations/s',
      'complete p50',
      'p90',
      'p99',
      'challenge p50/p99',
      'attest p50/p99',
      'signing p50',
    ],
    style: PLAIN,
  });
  const cpuTable = new Table({
    head: ['devices', 'integrity', 'token', 'postgres (all backends)', 'kafka broker', 'load (SDK side)', 'sum'],
    style: PLAIN,
  });
  const cpuMs = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(2)} ms`);
  for (const { concurrency, result, cpuMsPerAttestation } of results) {
    const complete = summarise(result.complete);
    const challenge = summarise(result.challenge);
    const attest = summarise(result.attest);
    const signing = summarise(result.signing);
    table.push([
      concurrency,
      (complete.count / result.measuredSeconds).toFixed(0),
      ms(complete.p50),
      ms(complete.p90),
      ms(complete.p99),
      `${ms(challenge.p50)} / ${ms(challenge.p99)}`,
      `${ms(attest.p50)} / ${ms(attest.p99)}`,
      ms(signing.p50),
    ]);
    const parts = Object.values(cpuMsPerAttestation).filter((part): part is number => part !== null);
    const sum = parts.length === Object.keys(cpuMsPerAttestation).length ? parts.reduce((a, b) => a + b, 0) : null;
    cpuTable.push([
      concurrency,
      cpuMs(cpuMsPerAttestation.integrity),
      cpuMs(cpuMsPerAttestation.token),
      cpuMs(cpuMsPerAttestation.postgres),
      cpuMs(cpuMsPerAttestation.kafka),
      cpuMs(cpuMsPerAttestation.load),
      cpuMs(sum),
    ]);
  }
  console.log(table.toString());
  console.log('CPU per attestation, by process (warm-up included, over every attestation made):');
  console.log(cpuTable.toString());
  const stagesTable = new Table({ head: ['devices', ...STAGES.map((s) => `${s} (mean)`)], style: PLAIN });
  for (const { concurrency, stages } of results) {
    stagesTable.push([concurrency, ...STAGES.map((stage) => ms(stages.get(stage) ?? NaN))]);
  }
  console.log('where an attest request spends its time, by the integrity service (tessera_attestation_stage_seconds):');
  console.log(stagesTable.toString());
  if (failures > 0) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
