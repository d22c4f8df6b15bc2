import {
  AttestationRecordedV1,
  type AttestationReason,
  type AttestResponse,
  type EventData,
  type SdkEvidencePayload,
} from '@tessera/contracts';
import { verifySdkEvidence } from '@tessera/evidence';
import { type AttestationVerdict, evaluateAttestation } from '@tessera/policy';
import type { RegistryView } from '@tessera/registry-view';
import type { RateLimits } from '@tessera/service-runtime';
import { decodeJwt } from 'jose';
import { randomUUID } from 'node:crypto';
import type { ChallengeStore } from '../challenges/challenge-store';
import type { IntegrityStore } from '../persistence/integrity-store';
import type { AttestationMetrics, AttestationStage } from './attestation-metrics';
import type { IssuedToken, TokenClient } from './token-client';

/** Why an attest request got no verdict: answered 4xx/503 with `reason`. */
export class AttestationRefused extends Error {
  constructor(
    readonly status: 400 | 404 | 429,
    readonly reason: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AttestationRefused';
  }
}

export interface AttestationClient {
  ip: string | null;
}

interface Verdict {
  verdict: AttestationVerdict['verdict'];
  reasons: readonly AttestationReason[];
  monitored: readonly AttestationReason[];
  registrationId: string | null;
}

/**
 * One attestation, from the SDK evidence to the token: the evidence's signature, the nonce (consumed whatever the
 * outcome, so a forged or failed attempt cannot be retried with it), the verdict against the registry view, a token
 * for the verdict from the token service, and the attestation event (outbox). Every attestation that reaches a
 * verdict is answered with a token, a failure token for a fail, so the app cannot tell which check it failed.
 */
export class AttestationFlow {
  constructor(
    private readonly deps: {
      registry: RegistryView;
      challenges: ChallengeStore;
      tokens: TokenClient;
      store: IntegrityStore;
      metrics: AttestationMetrics;
      limits: RateLimits<'challenge' | 'attest'>;
      /** The tenant's pin config version (the pins service's), for the SDK to fetch a new config when it grew. */
      pinConfigVersion: (tenant: string) => number | null;
    },
  ) {}

  async attest(evidence: string, client: AttestationClient): Promise<AttestResponse> {
    const started = performance.now();
    const stages = new StageTimer(this.deps.metrics);
    const checked = await verifySdkEvidence(evidence);
    stages.done('evidence');
    const payload: SdkEvidencePayload | undefined = checked.ok ? checked.payload : checked.claimed;
    if (!payload) {
      // Nothing names an app: there is no one to answer with a token (an SDK never sends this).
      throw new AttestationRefused(
        400,
        'malformed-evidence',
        `the evidence is not SDK evidence: ${checked.ok ? '' : checked.detail}`,
      );
    }
    const { tenant, appId } = payload;
    const limited = await this.deps.limits.take('app', 'attest', `${tenant}/${appId}`);
    if (!limited.allowed) {
      throw new AttestationRefused(
        429,
        'rate-limited',
        'too many attestations for this app',
        limited.retryAfterSeconds,
      );
    }
    const app = this.deps.registry.app(tenant, appId);
    const tenantStatus = this.deps.registry.tenantStatus(tenant);
    if (!app || !tenantStatus) throw new AttestationRefused(404, 'unknown-app', `no app ${appId} in tenant ${tenant}`);
    const rules = this.deps.registry.rulesFor(tenant, app);

    stages.skip();
    const nonce = await this.deps.challenges.consume(payload.nonce, tenant, appId);
    stages.done('nonce');
    let verdict: Verdict;
    if (!checked.ok) {
      verdict = failed(nonce.consumed ? ['bad-signature'] : ['bad-signature', nonce.reason]);
    } else if (!nonce.consumed) {
      verdict = failed([nonce.reason]);
    } else {
      verdict = evaluateAttestation({
        now: Date.now(),
        tenantStatus,
        app: { appId, identifiers: app.identifiers },
        rules,
        registrations: this.deps.registry.registrationsOf(tenant, appId),
        evidence: {
          installationId: checked.installationId,
          deviceId: checked.installationId,
          payload,
          supplied: ['sdk'],
        },
        overrides: this.deps.registry.overridesFor(tenant, checked.installationId),
        isRevoked: (kind, value) => this.deps.registry.isRevoked(tenant, kind, value),
      });
    }

    stages.done('verdict');
    const installationId = checked.ok ? checked.installationId : null;
    const issued = await this.deps.tokens
      .issue({
        tenant,
        appId,
        verdict: verdict.verdict,
        ...(verdict.verdict === 'pass' && verdict.registrationId ? { registrationId: verdict.registrationId } : {}),
        ...(installationId ? { installationKeyThumbprint: installationId, deviceId: installationId } : {}),
        ...(client.ip ? { clientIp: client.ip } : {}),
        ...(checked.ok && payload.binding ? { payloadBinding: payload.binding } : {}),
        lifetimeSeconds: rules.tokenLifetimeSeconds,
      })
      .then(
        (token) => ({ token, error: undefined }),
        (error: unknown) => ({ token: undefined, error }),
      );
    stages.done('token');
    // Recorded with or without its token: a verdict the token service never turned into a token is audited too.
    await this.record(tenant, {
      appId,
      payload: checked.ok ? payload : undefined,
      installationId,
      verdict,
      token: issued.token,
      client,
      latencyMs: performance.now() - started,
    });
    stages.done('record');
    if (!issued.token) throw issued.error;
    const { token } = issued;
    this.deps.metrics.verdict(
      verdict.verdict,
      verdict.reasons,
      verdict.monitored,
      (performance.now() - started) / 1000,
    );
    return {
      token: token.token,
      expiresAt: token.expiresAt,
      lifetimeSeconds: token.lifetimeSeconds,
      pinConfigVersion: this.deps.pinConfigVersion(tenant),
      ...(verdict.verdict === 'fail' && rules.revealRejectionReasons ? { reasons: [...verdict.reasons] } : {}),
    };
  }

  private async record(
    tenant: string,
    attestation: {
      appId: string;
      payload: SdkEvidencePayload | undefined;
      installationId: string | null;
      verdict: Verdict;
      token: IssuedToken | undefined;
      client: AttestationClient;
      latencyMs: number;
    },
  ): Promise<void> {
    const { appId, payload, installationId, verdict, token, client, latencyMs } = attestation;
    const data: EventData<typeof AttestationRecordedV1> = {
      attestationId: randomUUID(),
      appId,
      verdict: verdict.verdict,
      reasons: [...verdict.reasons],
      monitored: [...verdict.monitored],
      registrationId: verdict.registrationId,
      deviceId: installationId,
      installationKeyThumbprint: installationId,
      platform: payload?.app.platform ?? null,
      sdkVersion: payload?.device.sdkVersion ?? null,
      jti: token ? jtiOf(token.token) : null,
      latencyMs,
      clientIp: client.ip,
    };
    // The audit trail is durable: no answer goes out for an attestation it does not hold (the outbox publishes it).
    // One statement: an attestation event is a change of its own, and the attestations topic needs no per-key order.
    await this.deps.store.outbox.appendUnordered(this.deps.store.dataSource, AttestationRecordedV1, { tenant, data });
  }
}

/** Times the stages of one attestation, each from the end of the one before. */
class StageTimer {
  private mark = performance.now();

  constructor(private readonly metrics: AttestationMetrics) {}

  done(stage: AttestationStage): void {
    const now = performance.now();
    this.metrics.stage(stage, (now - this.mark) / 1000);
    this.mark = now;
  }

  /** Leaves what ran since the last stage out of every stage (lookups and limits, microseconds). */
  skip(): void {
    this.mark = performance.now();
  }
}

function failed(reasons: readonly AttestationReason[]): Verdict {
  return { verdict: 'fail', reasons, monitored: [], registrationId: null };
}

/** The token's own id, for the audit trail: the token service just signed it, so reading it unverified is safe. */
function jtiOf(token: string): string | null {
  const { jti } = decodeJwt(token);
  return typeof jti === 'string' ? jti : null;
}
