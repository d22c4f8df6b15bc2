import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** What a request is counted against: the client IP it came from, or the app it names. */
export type RateScope = 'ip' | 'app';

/**
 * Requests per minute per client IP and per app, on each of a service's public endpoints, counted in this instance's
 * memory: a flood is refused before it costs a database write or a signature check. With N instances behind a
 * balancer, the service as a whole allows N times the configured figures.
 */
export class RateLimits<Endpoint extends string> {
  private readonly limiters: Record<RateScope, Map<Endpoint, RateLimiterMemory>>;

  constructor(endpoints: readonly Endpoint[], limits: { perIpPerMinute: number; perAppPerMinute: number }) {
    const perMinute = (points: number) =>
      new Map(endpoints.map((endpoint) => [endpoint, new RateLimiterMemory({ points, duration: 60 })]));
    this.limiters = { ip: perMinute(limits.perIpPerMinute), app: perMinute(limits.perAppPerMinute) };
  }

  async take(scope: RateScope, endpoint: Endpoint, key: string): Promise<RateDecision> {
    const limiter = this.limiters[scope].get(endpoint);
    if (!limiter) throw new Error(`no rate limit for the endpoint ${endpoint}`);
    try {
      await limiter.consume(key);
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
