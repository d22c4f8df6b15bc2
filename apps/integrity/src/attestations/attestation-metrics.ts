import { Counter, Histogram, type Registry } from 'prom-client';
import type { AttestationReason } from '@tessera/contracts';

export type AttestationStage = 'evidence' | 'nonce' | 'verdict' | 'token' | 'record';

/** Verdicts and their reasons, monitored signals, latency, challenges, refusals before a verdict. */
export class AttestationMetrics {
  private readonly verdicts: Counter<'verdict'>;
  private readonly reasons: Counter<'reason'>;
  private readonly monitoredSignals: Counter<'reason'>;
  private readonly latency: Histogram<'verdict'>;
  private readonly stages: Histogram<'stage'>;
  private readonly challenges: Counter<'outcome'>;
  private readonly refused: Counter<'endpoint' | 'reason'>;

  constructor(registry: Registry) {
    this.verdicts = new Counter({
      name: 'tessera_attestations_total',
      help: 'Attestations that reached a verdict, by verdict',
      labelNames: ['verdict'],
      registers: [registry],
    });
    this.reasons = new Counter({
      name: 'tessera_attestation_failure_reasons_total',
      help: 'Reasons of failed attestations (one attestation can count under several)',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.monitoredSignals = new Counter({
      name: 'tessera_attestation_monitored_signals_total',
      help: 'Device signals present where the policy only monitors them, by reason code',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'tessera_attestation_seconds',
      help: 'Time from an attest request to its answer (evidence, nonce, verdict, token, audit event), by verdict',
      labelNames: ['verdict'],
      buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.stages = new Histogram({
      name: 'tessera_attestation_stage_seconds',
      help: 'Where an attestation spends its time: evidence (signature), nonce (Postgres), verdict, token (Kafka round trip), record (outbox)',
      labelNames: ['stage'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2],
      registers: [registry],
    });
    this.challenges = new Counter({
      name: 'tessera_challenges_total',
      help: 'Challenges asked for: issued, or refused (unknown-app, tenant-suspended, rate-limited)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.refused = new Counter({
      name: 'tessera_integrity_refused_total',
      help: 'Requests answered without a verdict or challenge (4xx/503), by endpoint and reason',
      labelNames: ['endpoint', 'reason'],
      registers: [registry],
    });
  }

  verdict(
    verdict: 'pass' | 'fail',
    reasons: readonly AttestationReason[],
    monitored: readonly AttestationReason[],
    seconds: number,
  ): void {
    this.verdicts.inc({ verdict });
    for (const reason of reasons) this.reasons.inc({ reason });
    for (const reason of monitored) this.monitoredSignals.inc({ reason });
    this.latency.observe({ verdict }, seconds);
  }

  stage(stage: AttestationStage, seconds: number): void {
    this.stages.observe({ stage }, seconds);
  }

  challenge(outcome: 'issued' | 'unknown-app' | 'tenant-suspended'): void {
    this.challenges.inc({ outcome });
  }

  refusal(endpoint: 'challenge' | 'attest', reason: string): void {
    this.refused.inc({ endpoint, reason });
  }
}
