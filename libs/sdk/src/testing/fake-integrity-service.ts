import { randomBytes } from 'node:crypto';
import { AttestRequestSchema, ChallengeRequestSchema, type SdkEvidencePayload } from '@tessera/contracts';
import { verifySdkEvidence } from '@tessera/evidence';

/** How the fake answers a request instead of doing its job. */
export type Fault =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | 'network'
  /** Never answers, but gives up when the request is aborted, as fetch does. */
  | 'hang'
  /** Never answers and ignores the abort signal. */
  | 'deaf';

export interface Attestation {
  payload: SdkEvidencePayload;
  installationId: string;
  token: string;
}

type Step = 'challenge' | 'attest';

/**
 * The integrity service as far as the SDK sees it, as a fetch function: `/v1/challenge` issues nonces, `/v1/attest`
 * verifies the evidence with verifySdkEvidence, checks its nonce (issued, unused, for the app) and answers a token.
 * Any other URL is "the app's API": it answers with the headers it received. Faults can be queued per step, and
 * attest answers held back (`hold`) to have callers wait on a round.
 */
export class FakeIntegrityService {
  readonly requests = { challenge: 0, attest: 0, api: 0 };
  readonly attestations: Attestation[] = [];
  lifetimeSeconds = 300;
  reasons: string[] | undefined;
  private readonly nonces = new Map<string, { tenant: string; appId: string; used: boolean }>();
  private readonly faults: Record<Step, Fault[]> = { challenge: [], attest: [] };
  private held: Promise<void> | undefined;

  constructor(
    private readonly now: () => number,
    readonly baseUrl = 'https://integrity.test/tessera',
  ) {}

  /** Answers the next `times` requests of `step` with `fault`. */
  fail(step: Step, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults[step].push(fault);
  }

  /** Holds attest answers back until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.held = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.held = undefined;
      release();
    };
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const step =
      url === `${this.baseUrl}/v1/challenge` ? 'challenge' : url === `${this.baseUrl}/v1/attest` ? 'attest' : undefined;
    if (step === undefined) {
      this.requests.api += 1;
      return json(200, Object.fromEntries(new Headers(init?.headers).entries()));
    }
    this.requests[step] += 1;
    const fault = this.faults[step].shift();
    if (fault !== undefined) return this.faulty(fault, init?.signal ?? undefined);
    if (init?.method !== 'POST') return json(405, { statusCode: 405, message: 'POST only' });
    const body: unknown = JSON.parse(typeof init.body === 'string' ? init.body : 'null');
    if (step === 'challenge') return this.challenge(body);
    if (this.held) await this.held;
    return this.attest(body);
  };

  private challenge(body: unknown): Response {
    const request = ChallengeRequestSchema.safeParse(body);
    if (!request.success) return json(400, { statusCode: 400, message: 'invalid body' });
    const nonce = randomBytes(32).toString('base64url');
    this.nonces.set(nonce, { ...request.data, used: false });
    return json(200, { nonce, expiresAt: new Date(this.now() + 60_000).toISOString(), ttlSeconds: 60 });
  }

  private async attest(body: unknown): Promise<Response> {
    const request = AttestRequestSchema.safeParse(body);
    if (!request.success) return json(400, { statusCode: 400, message: 'invalid body' });
    const verification = await verifySdkEvidence(request.data.evidence);
    if (!verification.ok) {
      return json(400, { statusCode: 400, message: verification.detail, reason: verification.reason });
    }
    const { payload } = verification;
    const nonce = this.nonces.get(payload.nonce);
    if (!nonce || nonce.used || nonce.tenant !== payload.tenant || nonce.appId !== payload.appId) {
      return json(400, { statusCode: 400, message: 'nonce refused', reason: nonce ? 'used-nonce' : 'unknown-nonce' });
    }
    nonce.used = true;
    const token = `token-${this.attestations.length + 1}`;
    this.attestations.push({ payload, installationId: verification.installationId, token });
    return json(200, {
      token,
      expiresAt: new Date(this.now() + this.lifetimeSeconds * 1000).toISOString(),
      lifetimeSeconds: this.lifetimeSeconds,
      pinConfigVersion: 1,
      ...(this.reasons && { reasons: this.reasons }),
    });
  }

  private faulty(fault: Fault, signal: AbortSignal | undefined): Promise<Response> {
    if (fault === 'network') return Promise.reject(new TypeError('fetch failed'));
    if (fault === 'deaf') return new Promise<Response>(() => undefined);
    if (fault === 'hang') {
      return new Promise<Response>((_resolve, reject) =>
        signal?.addEventListener('abort', () => {
          reject(new DOMException('aborted', 'AbortError'));
        }),
      );
    }
    const body =
      typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body ?? { statusCode: fault.status });
    return Promise.resolve(new Response(body, { status: fault.status, headers: fault.headers }));
  }

  /** The last attestation's payload. */
  get lastPayload(): SdkEvidencePayload | undefined {
    return this.attestations.at(-1)?.payload;
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
