import type { KeyObject } from 'node:crypto';
import {
  failureKeyEventKey,
  FailureKeyUpsertedV1,
  type PublicJwk,
  type SigningAlgorithm,
  Topics,
} from '@tessera/contracts';
import { allReturned } from '@tessera/database';
import type { BackgroundWorker } from '@tessera/service-runtime';
import { sleep } from '@tessera/timing';
import {
  type FailureKeyKind,
  type FailureKeyTiming,
  failureKeyWindow,
  type FailureKeyWindow,
  generateKeyMaterial,
  type KeyMaterial,
  newKeyId,
  planFailureKey,
  publicKeyFromJwk,
  type TokenSigningKey,
} from '@tessera/tokens';
import type { Logger } from 'pino';
import type { TokenStore } from '../persistence/token-store';
import type { TokenConfig } from '../token.config';

/** The algorithms whose failure keys have a public part, published ahead of signing. */
const PUBLISHED_ALGORITHMS = ['ES256', 'EdDSA'] as const;
type PublishedAlgorithm = (typeof PUBLISHED_ALGORITHMS)[number];

/** How often the startup keys' events are looked for on the outbox while the ring starts. */
const PUBLISHED_POLL_MS = 25;

interface FailureKey {
  readonly kid: string;
  readonly material: KeyMaterial;
  readonly window: FailureKeyWindow;
  /** The outbox event that publishes it (ES256 and EdDSA). */
  readonly eventId?: string;
  /** When this instance saw that event published; null until then. */
  publishedAt: number | null;
}

interface Ring {
  current?: FailureKey;
  next?: FailureKey;
}

/**
 * The keys this instance signs failure tokens with: one per algorithm. Their private parts exist only in this
 * process's memory, so nobody can ever make a failure token verify. The public parts of ES256 and EdDSA failure keys
 * are stored and published (never in a JWKS), so verifiers and token inspection can tell a failure token from a
 * forgery: those keys are made when the instance starts, and each next one TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS
 * before the current one is due (every TOKEN_FAILURE_KEY_ROTATION_SECONDS); it signs only once it has been on
 * Kafka that long, so verifiers know it before its first token ({@link planFailureKey}). A need before the startup
 * key exists (or after a failed make) is met at once with a new key, as a last resort.
 *
 * HS256 has no public part: its failure key is made on first need and replaced every rotation, and only this
 * instance, while it runs, recognises its HS256 failure tokens.
 */
export class FailureKeyRing implements BackgroundWorker {
  readonly name = 'failure-keys';
  private readonly rings = new Map<PublishedAlgorithm, Ring>();
  private readonly making = new Map<string, Promise<FailureKey>>();
  private hmacCurrent: FailureKey | undefined;
  /** Recent HS256 failure secrets of this instance, kept while their tokens may be alive. */
  private readonly hmacHistory: FailureKey[] = [];
  private readonly timing: FailureKeyTiming;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly store: TokenStore,
    config: TokenConfig,
    private readonly logger?: Logger,
    private readonly clock: () => number = Date.now,
  ) {
    this.timing = {
      rotationSeconds: config.TOKEN_FAILURE_KEY_ROTATION_SECONDS,
      publishLeadSeconds: config.TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS,
      maxTokenLifetimeSeconds: config.TOKEN_MAX_LIFETIME_SECONDS,
      clockSkewSeconds: config.TOKEN_CLOCK_SKEW_SECONDS,
    };
    for (const alg of PUBLISHED_ALGORITHMS) this.rings.set(alg, {});
  }

  /**
   * Makes this instance's ES256 and EdDSA failure keys and waits (at most the publish lead) for their events to be
   * on Kafka, so the service is ready only once verifiers can know them; then keeps the rings turning. A failed make
   * fails the start, which the lifecycle retries.
   */
  async start(): Promise<void> {
    await this.tick();
    // Real time, whatever the ring's clock says: this waits for the relay.
    const deadline = Date.now() + this.timing.publishLeadSeconds * 1000;
    while (!this.startupKeysPublished() && Date.now() < deadline) {
      await sleep(PUBLISHED_POLL_MS);
      await this.refreshPublished(this.clock());
    }
    if (!this.startupKeysPublished()) {
      this.logger?.warn('failure keys not yet published; their first tokens may read as bad-signature a moment');
    }
    // A quarter of the lead: a next key is made, seen published and switched to well within the lead's slack.
    const intervalMs = Math.min(Math.max(250, this.timing.publishLeadSeconds * 250), 60_000);
    this.timer ??= setInterval(() => {
      this.ticking ??= this.tick()
        .catch((error: unknown) => {
          this.logger?.warn({ err: error }, 'could not turn the failure keys; retrying');
        })
        .finally(() => (this.ticking = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  isHealthy(): boolean {
    return this.timer !== undefined;
  }

  /**
   * One turn of each published ring at `now`: the next key takes over once due and published long enough, the next
   * key is made once the current one is the lead from due, and the next key's publication is looked for.
   */
  async tick(now: number = this.clock()): Promise<void> {
    await this.refreshPublished(now);
    for (const alg of PUBLISHED_ALGORITHMS) {
      const ring = this.ringOf(alg);
      const plan = this.plan(ring, now);
      if (plan.signer === 'new') await this.make(alg, 'immediate', now);
      else if (plan.makeNext) await this.make(alg, 'next', now);
    }
  }

  async signer(alg: SigningAlgorithm, now: number = this.clock()): Promise<TokenSigningKey> {
    if (alg === 'HS256') {
      const current = this.hmacCurrent;
      const key =
        current && now - current.window.createdAt < this.timing.rotationSeconds * 1000
          ? current
          : await this.make(alg, 'immediate', now);
      return { kid: key.kid, alg, privateKey: key.material.privateKey };
    }
    const ring = this.ringOf(alg);
    const plan = this.plan(ring, now);
    if (plan.makeNext) this.makeNextInBackground(alg, now);
    const key = plan.signer === 'new' || !ring.current ? await this.make(alg, 'immediate', now) : ring.current;
    return { kid: key.kid, alg, privateKey: key.material.privateKey };
  }

  /** The key of `alg` that signs now, and the one published ahead to sign next (for tests and metrics). */
  keysOf(alg: PublishedAlgorithm): { current?: string; next?: string } {
    const ring = this.ringOf(alg);
    return { current: ring.current?.kid, next: ring.next?.kid };
  }

  /** Public keys (or, for HS256, this instance's secrets) that failure tokens of `alg` verify with. */
  async verificationKeys(alg: SigningAlgorithm, now: number = this.clock()): Promise<KeyObject[]> {
    if (alg === 'HS256') {
      return this.hmacHistory.filter((key) => key.window.forgetAfter > now).map((key) => key.material.publicKey);
    }
    // Every key whose tokens may still be alive: instances make two keys at each start, so a fixed count could drop
    // live ones; the bound is a safety net, far above what restarts make in a key's lifetime.
    const rows = await this.store.dataSource.query<{ publicJwk: PublicJwk }[]>(
      `SELECT public_jwk AS "publicJwk" FROM ${this.store.table('failure_key')}
       WHERE alg = $1 AND NOT forgotten AND forget_after > $2 ORDER BY created_at DESC LIMIT 5000`,
      [alg, new Date(now)],
    );
    return rows.map((row) => publicKeyFromJwk(alg, row.publicJwk));
  }

  /** Tombstones failure keys whose tokens have all expired (any instance may do it); how many. */
  async forgetExpired(now: Date = new Date(this.clock())): Promise<number> {
    return this.store.transaction(async (tx) => {
      const rows = allReturned<{ kid: string }>(
        await tx.query(
          `UPDATE ${this.store.table('failure_key')} SET forgotten = true
           WHERE NOT forgotten AND forget_after <= $1 RETURNING kid`,
          [now],
        ),
      );
      for (const row of rows.sort((a, b) => a.kid.localeCompare(b.kid))) {
        await this.store.outbox.appendTombstone(tx, Topics.keys, failureKeyEventKey(row.kid));
      }
      return rows.length;
    });
  }

  private ringOf(alg: PublishedAlgorithm): Ring {
    const ring = this.rings.get(alg);
    if (!ring) throw new Error(`no failure-key ring for ${alg}`);
    return ring;
  }

  /** The ring's plan at `now`, after every hand-over it calls for (a next key that is due takes over). */
  private plan(ring: Ring, now: number) {
    for (;;) {
      const plan = planFailureKey(ring.current, ring.next, this.timing, now);
      if (plan.signer !== 'next' || !ring.next) return plan;
      ring.current = ring.next;
      ring.next = undefined;
    }
  }

  private makeNextInBackground(alg: PublishedAlgorithm, now: number): void {
    this.make(alg, 'next', now).catch((error: unknown) => {
      this.logger?.warn({ err: error, alg }, 'could not make the next failure key; retrying');
    });
  }

  private startupKeysPublished(): boolean {
    return PUBLISHED_ALGORITHMS.every((alg) => this.ringOf(alg).current?.publishedAt != null);
  }

  /** Notes which of the keys' events the outbox relay has published since the last look. */
  private async refreshPublished(now: number): Promise<void> {
    const waiting = [...this.rings.values()]
      .flatMap((ring) => [ring.current, ring.next])
      .filter((key): key is FailureKey => key?.eventId !== undefined && key.publishedAt === null);
    if (waiting.length === 0) return;
    const rows = await this.store.dataSource.query<{ eventId: string }[]>(
      `SELECT event_id AS "eventId" FROM ${this.store.table('outbox_event')}
       WHERE event_id = ANY($1::uuid[]) AND published_at IS NULL`,
      [waiting.map((key) => key.eventId)],
    );
    const pending = new Set(rows.map((row) => row.eventId));
    // Seen now, not at the relay's time: no clock but ours, and a lead that starts a little late only adds margin.
    for (const key of waiting) if (!pending.has(key.eventId as string)) key.publishedAt = now;
  }

  /** One make at a time per algorithm and kind: concurrent needs share it. */
  private make(alg: SigningAlgorithm, kind: FailureKeyKind, now: number): Promise<FailureKey> {
    const slot = `${alg}/${kind}`;
    let making = this.making.get(slot);
    if (!making) {
      making = this.create(alg, kind, now).finally(() => this.making.delete(slot));
      this.making.set(slot, making);
    }
    return making;
  }

  private async create(alg: SigningAlgorithm, kind: FailureKeyKind, now: number): Promise<FailureKey> {
    const kid = newKeyId();
    const material = generateKeyMaterial(alg);
    const window =
      alg === 'HS256'
        ? // Unchanged for HS256: it signs at once and for the rotation, never published.
          failureKeyWindow({ ...this.timing, publishLeadSeconds: 0 }, now, 'immediate')
        : failureKeyWindow(this.timing, now, kind);
    if (alg === 'HS256') {
      const key: FailureKey = { kid, material, window, publishedAt: null };
      this.hmacHistory.push(key);
      while ((this.hmacHistory[0]?.window.forgetAfter ?? Infinity) <= now) this.hmacHistory.shift();
      this.hmacCurrent = key;
      return key;
    }
    const publicJwk = material.publicJwk as PublicJwk;
    const eventId = await this.store.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO ${this.store.table('failure_key')} (kid, alg, public_jwk, created_at, forget_after)
         VALUES ($1, $2, $3::jsonb, $4, $5)`,
        [kid, alg, JSON.stringify(publicJwk), new Date(now), new Date(window.forgetAfter)],
      );
      const envelope = await this.store.outbox.append(tx, FailureKeyUpsertedV1, {
        tenant: 'system',
        data: {
          failureKeyId: kid,
          alg,
          publicJwk,
          createdAt: new Date(now).toISOString(),
          forgetAfter: new Date(window.forgetAfter).toISOString(),
        },
      });
      return envelope.id;
    });
    const key: FailureKey = { kid, material, window, eventId, publishedAt: null };
    const ring = this.ringOf(alg);
    if (kind === 'next') ring.next = key;
    else ring.current = key;
    this.logger?.info({ alg, kid, kind }, 'made a failure key');
    return key;
  }
}
