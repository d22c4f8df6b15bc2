import { Counter, Histogram, type Registry } from 'prom-client';

/** Tokens issued by outcome and app, and what signing costs. */
export class IssuanceMetrics {
  private readonly issuedTotal: Counter<'tenant' | 'app' | 'outcome'>;
  private readonly signing: Histogram<'alg'>;

  constructor(registry: Registry) {
    this.issuedTotal = new Counter({
      name: 'tessera_tokens_issued_total',
      help: 'Tokens issued, by tenant, app and outcome (valid, failure)',
      labelNames: ['tenant', 'app', 'outcome'],
      registers: [registry],
    });
    this.signing = new Histogram({
      name: 'tessera_token_signing_seconds',
      help: 'Time to sign one token, by algorithm',
      labelNames: ['alg'],
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers: [registry],
    });
  }

  issued(tenant: string, app: string, outcome: 'valid' | 'failure'): void {
    this.issuedTotal.inc({ tenant, app, outcome });
  }

  signed(alg: string, seconds: number): void {
    this.signing.observe({ alg }, seconds);
  }
}
