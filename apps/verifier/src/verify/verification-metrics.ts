import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { JwksFetchOutcome, VerifierView } from '@tessera/verifier';

/** Decisions by outcome and reason, their latency, cache hits, and the size of the view. */
export class VerificationMetrics {
  private readonly decisions: Counter<'outcome' | 'reason' | 'cached'>;
  private readonly latency: Histogram<'cached'>;
  private readonly jwksLookups: Counter<'outcome'>;

  constructor(registry: Registry, view: VerifierView) {
    this.decisions = new Counter({
      name: 'tessera_verifier_decisions_total',
      help: 'Tokens accepted or refused, by reason (accepted: "ok"); cached: whether the verified-token cache answered',
      labelNames: ['outcome', 'reason', 'cached'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'tessera_verifier_decision_seconds',
      help: 'Time to decide on one token, by whether the verified-token cache answered',
      labelNames: ['cached'],
      buckets: [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01],
      registers: [registry],
    });
    this.jwksLookups = new Counter({
      name: 'tessera_verifier_jwks_lookups_total',
      help: 'Kids no key event brought, looked up in their tenant JWKS: found, not-found, throttled, failed, not-ours',
      labelNames: ['outcome'],
      registers: [registry],
    });
    new Gauge({
      name: 'tessera_verifier_revocations',
      help: 'Revocations this node holds (expired ones not yet purged included)',
      registers: [registry],
      collect() {
        this.set(view.revocations.size);
      },
    });
    new Gauge({
      name: 'tessera_verifier_view_staleness_seconds',
      help: 'Time since the view of keys and revocations last held every event on its topics (+Inf while rebuilding)',
      registers: [registry],
      collect() {
        this.set(view.freshness.stalenessMs() / 1000);
      },
    });
    new Gauge({
      name: 'tessera_verifier_view_stale',
      help: '1 while the view is older than VERIFIER_MAX_STALENESS_SECONDS (and, fail-closed, every token is refused)',
      registers: [registry],
      collect() {
        this.set(view.freshness.isStale() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'tessera_verifier_event_lag',
      help: 'Events on the keys and revocations topics not yet applied, at the latest reading of their ends',
      registers: [registry],
      collect() {
        if (view.freshness.lag !== undefined) this.set(view.freshness.lag);
      },
    });
    new Gauge({
      name: 'tessera_verifier_signing_keys',
      help: 'Signing keys this node knows',
      registers: [registry],
      collect() {
        this.set(view.keys.size);
      },
    });
  }

  decided(outcome: 'accepted' | 'refused', reason: string, cached: boolean, seconds: number): void {
    this.decisions.inc({ outcome, reason, cached: String(cached) });
    this.latency.observe({ cached: String(cached) }, seconds);
  }

  jwksLookup(outcome: JwksFetchOutcome): void {
    this.jwksLookups.inc({ outcome });
  }
}
