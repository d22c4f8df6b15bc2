import { PinViolationReportSchema } from '@tessera/contracts';
import { PinViolationReporter, type ObservedPinViolation } from './pin-violation-reporter';
import { PIN_APP_ID, PIN_NOW } from './testing/pin-world';

const EXPECTED = 'pL1+qb9HTMRZJmuC/bB/ZI9d302BYrrqiVuRyW+DGrU=';
const SERVED = 'r/mIkG3eEpVdm+u/ko/cwxzOMo1bk4TyHIlByibiA5E=';
const INSTALLATION_ID = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const violation = (host = 'api.example.com'): ObservedPinViolation => ({
  host,
  pattern: 'api.example.com',
  expectedPins: [EXPECTED],
  servedPins: [SERVED],
  configVersion: 3,
  port: 8443,
  servedChain: [Buffer.alloc(600, 1).toString('base64')],
});

function reporter(status = 202, maxQueued?: number) {
  const bodies: unknown[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const sut = new PinViolationReporter({
    pinsBaseUrl: 'https://pins.test',
    tenant: 'acme',
    appId: PIN_APP_ID,
    installationId: () => Promise.resolve(INSTALLATION_ID),
    sdkVersion: '0.1.0',
    maxQueued,
    now: () => PIN_NOW,
    fetch: async (input, init) => {
      await gate;
      expect(input as string).toBe('https://pins.test/v1/pins/report');
      bodies.push(JSON.parse(init?.body as string));
      return new Response(null, { status });
    },
  });
  return { sut, bodies, release };
}

describe('PinViolationReporter', () => {
  it('posts a report the contract accepts, in the background', async () => {
    const { sut, bodies, release } = reporter();
    expect(sut.report(violation())).toBe(true);
    expect(bodies).toEqual([]); // report() returned before anything was sent
    release();
    await sut.idle();
    expect(bodies).toHaveLength(1);
    expect(PinViolationReportSchema.parse(bodies[0])).toEqual({
      tenant: 'acme',
      appId: PIN_APP_ID,
      installationId: INSTALLATION_ID,
      sdkVersion: '0.1.0',
      hostname: 'api.example.com',
      port: 8443,
      pattern: 'api.example.com',
      expectedPins: [EXPECTED],
      servedPins: [SERVED],
      servedChain: violation().servedChain,
      configVersion: 3,
      occurredAt: new Date(PIN_NOW).toISOString(),
    });
    expect(sut.stats).toEqual({ sent: 1, dropped: 0, failed: 0 });
  });

  it('bounds its queue, dropping and counting what does not fit, and queues a waiting violation once', async () => {
    const { sut, bodies, release } = reporter(202, 2);
    expect(sut.report(violation('a.example.com'))).toBe(true);
    expect(sut.report(violation('a.example.com'))).toBe(false);
    expect(sut.report(violation('b.example.com'))).toBe(true);
    expect(sut.report(violation('c.example.com'))).toBe(false);
    release();
    await sut.idle();
    expect(bodies.map((body) => (body as { hostname: string }).hostname)).toEqual(['a.example.com', 'b.example.com']);
    expect(sut.stats).toEqual({ sent: 2, dropped: 1, failed: 0 });
  });

  it('counts a report the service refuses, or that cannot be sent, as failed, and never throws', async () => {
    const refused = reporter(400);
    refused.release();
    refused.sut.report(violation());
    await refused.sut.idle();
    expect(refused.sut.stats).toEqual({ sent: 0, dropped: 0, failed: 1 });

    const broken = new PinViolationReporter({
      pinsBaseUrl: 'https://pins.test',
      tenant: 'acme',
      appId: PIN_APP_ID,
      installationId: () => Promise.reject(new Error('key store locked')),
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    broken.report(violation());
    await broken.idle();
    expect(broken.stats).toEqual({ sent: 0, dropped: 0, failed: 1 });
  });

  it('does not send a chain the service would refuse (an oversized certificate)', async () => {
    const { sut, bodies, release } = reporter();
    release();
    sut.report({ ...violation(), servedChain: ['A'.repeat(9000)] });
    await sut.idle();
    expect(bodies).toEqual([]);
    expect(sut.stats.failed).toBe(1);
  });
});
