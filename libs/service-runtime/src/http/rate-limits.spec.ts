import { RateLimits } from './rate-limits';

describe('RateLimits', () => {
  const endpoints = ['challenge', 'attest'] as const;

  it('refuses a client IP past its limit, on that endpoint only, with when to come back', async () => {
    const limits = new RateLimits(endpoints, { perIpPerMinute: 2, perAppPerMinute: 100 });
    expect(await limits.take('ip', 'challenge', '203.0.113.7')).toEqual({ allowed: true });
    expect(await limits.take('ip', 'challenge', '203.0.113.7')).toEqual({ allowed: true });
    const refused = await limits.take('ip', 'challenge', '203.0.113.7');
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    expect(await limits.take('ip', 'attest', '203.0.113.7')).toEqual({ allowed: true });
    expect(await limits.take('ip', 'challenge', '203.0.113.8')).toEqual({ allowed: true });
  });

  it('counts apps apart from client IPs', async () => {
    const limits = new RateLimits(endpoints, { perIpPerMinute: 100, perAppPerMinute: 1 });
    expect(await limits.take('app', 'attest', 'acme/app-1')).toEqual({ allowed: true });
    expect((await limits.take('app', 'attest', 'acme/app-1')).allowed).toBe(false);
    expect(await limits.take('ip', 'attest', 'acme/app-1')).toEqual({ allowed: true });
  });

  it('knows only the endpoints it was made for', async () => {
    const limits = new RateLimits<string>(['report'], { perIpPerMinute: 1, perAppPerMinute: 1 });
    await expect(limits.take('ip', 'attest', '203.0.113.7')).rejects.toThrow(/no rate limit for the endpoint attest/);
  });
});
