import { type EventCatalog, type EventEnvelope, RevocationUpsertedV1 } from '@tessera/contracts';
import type { RevocationKind } from '@tessera/verifier';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

export interface RevokedSubject {
  tenant: string;
  kind: RevocationKind;
  value: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Roughly what an operator revokes: mostly single tokens and devices, fewer installations, few app builds. */
const KIND_WEIGHTS: readonly [RevocationKind, number][] = [
  ['token', 40],
  ['device', 30],
  ['installation', 25],
  ['registration', 5],
];
const REASONS = ['stolen device', 'fraud investigation', 'rooted device', 'token leaked in a log', 'compromised build'];

/** A subject value as the SDK, the tokens and the registry write it (see the admin API's revocation schema). */
export function subjectValue(kind: RevocationKind): string {
  switch (kind) {
    case 'device':
      // Android's ANDROID_ID (16 hex digits) or iOS' identifierForVendor (an upper-case UUID).
      return randomInt(2) === 0 ? randomBytes(8).toString('hex') : randomUUID().toUpperCase();
    case 'installation':
      return randomBytes(32).toString('base64url'); // a JWK thumbprint
    case 'registration':
    case 'token':
      return randomUUID();
  }
}

/**
 * `revocation.upserted` events as the registration service writes them (built and checked by the contracts'
 * catalog): tenants weighted 1, 1/2, 1/3, ..., the four subject kinds, a reason on half of them, a quarter expiring
 * within 90 days and the rest for good, created over the past year.
 */
export class RevocationStream {
  private readonly tenantWeights: number[];
  private readonly tenantWeightTotal: number;
  private readonly kindWeightTotal = KIND_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);

  constructor(
    private readonly catalog: EventCatalog,
    readonly tenants: readonly string[],
    private readonly now = Date.now(),
  ) {
    this.tenantWeights = tenants.map((_, i) => 1 / (i + 1));
    this.tenantWeightTotal = this.tenantWeights.reduce((sum, weight) => sum + weight, 0);
  }

  next(): { envelope: EventEnvelope; subject: RevokedSubject } {
    const tenant = this.pickTenant();
    const kind = this.pickKind();
    const subject = { tenant, kind, value: subjectValue(kind) };
    const createdAt = new Date(this.now - randomInt(365 * DAY_MS));
    const reason = randomInt(2) === 0 ? REASONS[randomInt(REASONS.length)] : undefined;
    const envelope = this.catalog.build(RevocationUpsertedV1, {
      tenant,
      producer: 'registration',
      occurredAt: createdAt,
      data: {
        revocationId: randomUUID(),
        subject: { kind, value: subject.value },
        ...(reason === undefined ? {} : { reason }),
        createdAt: createdAt.toISOString(),
        expiresAt: randomInt(4) === 0 ? new Date(this.now + DAY_MS + randomInt(90 * DAY_MS)).toISOString() : null,
      },
    });
    return { envelope, subject };
  }

  private pickTenant(): string {
    let left = Math.random() * this.tenantWeightTotal;
    for (const [i, weight] of this.tenantWeights.entries()) {
      left -= weight;
      if (left < 0) return this.tenants[i] ?? '';
    }
    return this.tenants.at(-1) ?? '';
  }

  private pickKind(): RevocationKind {
    let left = randomInt(this.kindWeightTotal);
    for (const [kind, weight] of KIND_WEIGHTS) {
      left -= weight;
      if (left < 0) return kind;
    }
    return 'token';
  }
}
