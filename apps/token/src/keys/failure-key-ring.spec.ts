import { randomUUID } from 'node:crypto';
import type { SigningAlgorithm } from '@tessera/contracts';
import type { TokenStore } from '../persistence/token-store';
import type { TokenConfig } from '../token.config';
import { FailureKeyRing } from './failure-key-ring';

const s = (n: number) => n * 1000;
const T0 = Date.parse('2031-01-01T00:00:00Z');
const config = {
  TOKEN_FAILURE_KEY_ROTATION_SECONDS: 3600,
  TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS: 10,
  TOKEN_MAX_LIFETIME_SECONDS: 300,
  TOKEN_CLOCK_SKEW_SECONDS: 60,
} as TokenConfig;

interface Published {
  readonly id: string;
  readonly kid: string;
  readonly alg: string;
  readonly createdAt: number;
  readonly forgetAfter: number;
}

/** The token store as the ring uses it: failure-key rows, their outbox events, and a relay that publishes on cue. */
class FakeStore {
  readonly events: Published[] = [];
  /** Events the relay has not published yet. */
  readonly pending = new Set<string>();
  /** Publish each event at once (a quick relay), or leave it pending until `publishAll`. */
  relayAtOnce = true;
  failWrites = false;

  readonly dataSource = {
    query: (sql: string, params: unknown[]): Promise<unknown[]> => {
      if (!sql.includes('outbox_event')) return Promise.resolve([]);
      const ids = params[0] as string[];
      return Promise.resolve(ids.filter((id) => this.pending.has(id)).map((eventId) => ({ eventId })));
    },
  };

  readonly outbox = {
    append: (_tx: unknown, _definition: unknown, event: { data: Record<string, string> }) => {
      const id = randomUUID();
      this.events.push({
        id,
        kid: event.data.failureKeyId!,
        alg: event.data.alg!,
        createdAt: Date.parse(event.data.createdAt!),
        forgetAfter: Date.parse(event.data.forgetAfter!),
      });
      if (!this.relayAtOnce) this.pending.add(id);
      return Promise.resolve({ id });
    },
  };

  table(name: string): string {
    return name;
  }

  transaction<T>(work: (tx: { query: () => Promise<void> }) => Promise<T>): Promise<T> {
    if (this.failWrites) return Promise.reject(new Error('the database is away'));
    return work({ query: () => Promise.resolve() });
  }

  publishAll(): void {
    this.pending.clear();
  }

  kidsOf(alg: string): string[] {
    return this.events.filter((event) => event.alg === alg).map((event) => event.kid);
  }
}

function ringAt(store: FakeStore, clock: { now: number }): FailureKeyRing {
  return new FailureKeyRing(store as unknown as TokenStore, config, undefined, () => clock.now);
}

const kidOf = async (ring: FailureKeyRing, alg: SigningAlgorithm, now: number) => (await ring.signer(alg, now)).kid;

describe('FailureKeyRing: publish before signing', () => {
  let store: FakeStore;
  let clock: { now: number };
  let ring: FailureKeyRing;

  beforeEach(() => {
    store = new FakeStore();
    clock = { now: T0 };
    ring = ringAt(store, clock);
  });

  afterEach(() => ring.stop());

  it('makes and publishes its ES256 and EdDSA keys when it starts, before any failure token', async () => {
    await ring.start();
    expect(store.events.map((event) => event.alg).sort()).toEqual(['ES256', 'EdDSA']);
    expect(ring.isHealthy()).toBe(true);
    // The first failure tokens sign with the keys published at start: nothing new is made for them.
    await expect(kidOf(ring, 'ES256', T0 + 5)).resolves.toBe(store.kidsOf('ES256')[0]);
    await expect(kidOf(ring, 'EdDSA', T0 + 5)).resolves.toBe(store.kidsOf('EdDSA')[0]);
    expect(store.events).toHaveLength(2);
  });

  it('marks the startup keys forgettable once their last possible token has expired: rotation + lead + lifetime + skew', async () => {
    await ring.start();
    for (const event of store.events) {
      expect(event.createdAt).toBe(T0);
      expect(event.forgetAfter).toBe(T0 + s(3600 + 10 + 300 + 60));
    }
  });

  it('makes the next key the lead before the current one is due, and switches once it has been published that long', async () => {
    await ring.start();
    const [first] = store.kidsOf('ES256');
    await ring.tick(T0 + s(3589));
    expect(store.kidsOf('ES256')).toHaveLength(1);
    await ring.tick(T0 + s(3590)); // the lead before due: the next key is made and published
    const [, second] = store.kidsOf('ES256');
    expect(second).toBeDefined();
    expect(ring.keysOf('ES256')).toEqual({ current: first, next: second });
    await ring.tick(T0 + s(3591)); // seen on Kafka from here
    await expect(kidOf(ring, 'ES256', T0 + s(3599))).resolves.toBe(first); // not due yet
    await expect(kidOf(ring, 'ES256', T0 + s(3600))).resolves.toBe(first); // due, but published for 9 s only
    await expect(kidOf(ring, 'ES256', T0 + s(3601))).resolves.toBe(second);
    expect(ring.keysOf('ES256')).toEqual({ current: second, next: undefined });
    // The next key may sign for rotation + 2 leads after it was made (published a lead, then up to a lead late).
    const made = store.events.find((event) => event.kid === second)!;
    expect(made.createdAt).toBe(T0 + s(3590));
    expect(made.forgetAfter).toBe(made.createdAt + s(3600 + 2 * 10 + 300 + 60));
  });

  it('keeps signing with the current key while the next one is not on Kafka, up to the lead past due', async () => {
    await ring.start();
    const [first] = store.kidsOf('ES256');
    store.relayAtOnce = false; // Kafka away: the next key's event waits in the outbox
    await ring.tick(T0 + s(3590));
    const [, second] = store.kidsOf('ES256');
    await ring.tick(T0 + s(3600));
    await expect(kidOf(ring, 'ES256', T0 + s(3605))).resolves.toBe(first);
    // Now it may sign no longer (its forgetAfter counts from here): the next key takes over, published or not.
    await expect(kidOf(ring, 'ES256', T0 + s(3610))).resolves.toBe(second);
  });

  it('keeps turning while no failure token is asked for: every hand-over is to a key published ahead', async () => {
    await ring.start();
    // Ticks every 2.5 s (a quarter of the lead) for five rotations; a failure token now and then.
    for (let t = T0; t <= T0 + s(5 * 3600); t += 2500) {
      await ring.tick(t);
      if ((t - T0) % s(900) === 0) await ring.signer('ES256', t);
    }
    const made = store.events.filter((event) => event.alg === 'ES256');
    expect(made.length).toBe(6);
    const signing = await kidOf(ring, 'ES256', T0 + s(5 * 3600));
    expect(made.map((event) => event.kid)).toContain(signing);
    // Each key after the first was made a lead before it signed, published by then: none made to sign at once.
    for (const [i, event] of made.entries()) {
      if (i === 0) continue;
      expect(event.forgetAfter - event.createdAt).toBe(s(3600 + 2 * 10 + 300 + 60));
    }
  });

  it('signs at once with a new key on a need before the startup key exists, and shares one make', async () => {
    const [a, b] = await Promise.all([ring.signer('ES256', T0), ring.signer('ES256', T0)]);
    expect(a.kid).toBe(b.kid);
    expect(store.kidsOf('ES256')).toEqual([a.kid]);
    expect(store.events[0]!.forgetAfter).toBe(T0 + s(3600 + 10 + 300 + 60));
  });

  it('after a failed make of the next key, signs at once with a new key once the current one may sign no longer', async () => {
    await ring.start();
    const [first] = store.kidsOf('ES256');
    store.failWrites = true;
    await expect(ring.tick(T0 + s(3590))).rejects.toThrow(/away/);
    await expect(kidOf(ring, 'ES256', T0 + s(3605))).resolves.toBe(first);
    store.failWrites = false;
    // Still no next key at the limit (no tick ran): a new key, signing at once, as a last resort.
    const replacement = await kidOf(ring, 'ES256', T0 + s(3610));
    expect(replacement).not.toBe(first);
    expect(store.kidsOf('ES256')).toContain(replacement);
  });

  it('leaves HS256 as it was: made on first need, replaced every rotation, never published', async () => {
    await ring.start();
    const published = store.events.length;
    const first = await kidOf(ring, 'HS256', T0);
    await expect(kidOf(ring, 'HS256', T0 + s(3599))).resolves.toBe(first);
    const second = await kidOf(ring, 'HS256', T0 + s(3600));
    expect(second).not.toBe(first);
    expect(store.events).toHaveLength(published);
    await expect(ring.verificationKeys('HS256', T0 + s(3600))).resolves.toHaveLength(2);
    // The first secret signed until T0 + 3600 s: kept for the lifetime and the skew after, then dropped.
    await expect(ring.verificationKeys('HS256', T0 + s(3600 + 300 + 60))).resolves.toHaveLength(1);
  });

  it('waits at start for its keys to be on Kafka before it counts as started', async () => {
    store.relayAtOnce = false;
    let started = false;
    const starting = ring.start().then(() => (started = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.events).toHaveLength(2);
    expect(started).toBe(false);
    store.publishAll();
    await starting;
    expect(started).toBe(true);
  });
});
