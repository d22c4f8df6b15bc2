import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export type LimitedEndpoint = 'challenge' | 'attest';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Requests per minute per client IP and per app, on each SDK endpoint, counted in this instance's memory: a flood
 * is refused before it costs a database write or a signature check. With N instances behind a balancer, the
 * service as a whole allows N times the configured figures.
 */
export class RateLimits {
  private readonly limiters: Record<'ip' | 'app', Record<LimitedEndpoint, RateLimiterMemory>>;

  constructor(limits: { perIpPerMinute: number; perAppPerMinute: number }) {
    const perMinute = (points: number) => new RateLimiterMemory({ points, duration: 60 });
    this.limiters = {
      ip: { challenge: perMinute(limits.perIpPerMinute), attest: perMinute(limits.perIpPerMinute) },
      app: { challenge: perMinute(limits.perAppPerMinute), attest: perMinute(limits.perAppPerMinute) },
    };
  }

  async take(scope: 'ip' | 'app', endpoint: LimitedEndpoint, key: string): Promise<RateDecision> {
    try {
      await this.limiters[scope][endpoint].consume(key);
      return { allowed: true };
    } catch (refusal) {
      // The memory limiter rejects with its state when the key is out of points, never with an error of its own.
      if (refusal instanceof RateLimiterRes) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
      }
      throw refusal;
    }
  }
}
