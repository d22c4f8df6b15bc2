/**
 * The load side of bench/attestation.ts, in a process of its own (forked): `concurrency` simulated devices, each
 * with its installation key, attest in a loop as an SDK would — POST /v1/challenge, sign the SDK evidence, POST
 * /v1/attest — for `warmUpSeconds` unmeasured then `seconds` measured, and report every complete attestation's time
 * (and its two requests') to the parent over IPC. Every answer must be 201/200 with a token; anything else is
 * counted by status and reason, and the parent fails the run on it.
 */
import { type AppMeasurement, NO_DEVICE_SIGNALS, type SdkEvidencePayload } from '@tessera/contracts';
import { signSdkEvidence } from '@tessera/evidence';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface AttestationLoadSpec {
  integrityUrl: string;
  tenant: string;
  appId: string;
  measurement: AppMeasurement;
  concurrency: number;
  warmUpSeconds: number;
  seconds: number;
}

export interface AttestationLoadResult {
  type: 'result';
  /** ms per complete attestation, challenge + signing + attest, measured ones only. */
  complete: number[];
  challenge: number[];
  attest: number[];
  signing: number[];
  /** Answers that were not what a genuine device gets, by "status reason". */
  unexpected: Record<string, number>;
  measuredSeconds: number;
  /** One token the attestations got, for the parent to have a verifier check. */
  sampleToken?: string;
  /** Attestations made, warm-up included, and the CPU seconds this process spent on them. */
  made: number;
  cpuSeconds: number;
}

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function device(
  spec: AttestationLoadSpec,
  result: AttestationLoadResult,
  measuring: () => boolean,
  until: number,
) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk: JWK = await exportJWK(publicKey);
  const unexpected = (what: string) => (result.unexpected[what] = (result.unexpected[what] ?? 0) + 1);
  while (Date.now() < until) {
    // An attestation counts when it started inside the measured window.
    const counted = measuring();
    const started = performance.now();
    const challenge = await post(`${spec.integrityUrl}/v1/challenge`, { tenant: spec.tenant, appId: spec.appId });
    const challenged = performance.now();
    if (challenge.status !== 201) {
      unexpected(`challenge ${challenge.status} ${String(challenge.body.reason)}`);
      continue;
    }
    const payload: SdkEvidencePayload = {
      tenant: spec.tenant,
      appId: spec.appId,
      nonce: challenge.body.nonce as string,
      iat: Math.floor(Date.now() / 1000),
      app: spec.measurement,
      device: { signals: NO_DEVICE_SIGNALS, sdkVersion: '1.0.0' },
    };
    const evidence = await signSdkEvidence(payload, { privateKey, publicJwk });
    const signed = performance.now();
    const attest = await post(`${spec.integrityUrl}/v1/attest`, { evidence });
    const done = performance.now();
    if (attest.status !== 200 || typeof attest.body.token !== 'string') {
      unexpected(`attest ${attest.status} ${String(attest.body.reason)}`);
      continue;
    }
    result.sampleToken = attest.body.token;
    result.made += 1;
    if (!counted) continue;
    result.complete.push(done - started);
    result.challenge.push(challenged - started);
    result.signing.push(signed - challenged);
    result.attest.push(done - signed);
  }
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.ATTESTATION_LOAD ?? '') as AttestationLoadSpec;
  const result: AttestationLoadResult = {
    type: 'result',
    complete: [],
    challenge: [],
    attest: [],
    signing: [],
    unexpected: {},
    measuredSeconds: spec.seconds,
    made: 0,
    cpuSeconds: 0,
  };
  const cpuBefore = process.cpuUsage();
  const measureFrom = Date.now() + spec.warmUpSeconds * 1000;
  const until = measureFrom + spec.seconds * 1000;
  let measuring = false;
  const startMeasuring = setTimeout(() => (measuring = true), spec.warmUpSeconds * 1000);
  await Promise.all(Array.from({ length: spec.concurrency }, () => device(spec, result, () => measuring, until)));
  clearTimeout(startMeasuring);
  const cpu = process.cpuUsage(cpuBefore);
  result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.send?.(result);
}

main().then(
  () => setTimeout(() => process.exit(0), 100),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
