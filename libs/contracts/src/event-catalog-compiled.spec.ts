import { z } from 'zod';
import { EventCatalog, type ParsedEvent } from './event-catalog';
import type { EventDefinition } from './event-definition';
import { EventEnvelopeSchema } from './envelope';
import {
  ALL_EVENTS,
  FailureKeyUpsertedV1,
  RevocationUpsertedV1,
  SigningKeyUpsertedV1,
  TenantUpsertedV1,
} from './events';

/**
 * EventCatalog.parse checks with zod's compiled schemas. What it decides must be what the schemas themselves decide:
 * the same verdict, the same data, the same reasons, for valid events and for every way of spoiling one.
 */
const catalog = new EventCatalog();

/** The catalog's checks as they were, on the schemas as written. */
function parseWithSchemas(value: string): ParsedEvent {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return { ok: false, reason: 'value is not JSON' };
  }
  const envelope = EventEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: `envelope invalid: ${describeIssues(envelope.error)}` };
  const definition = catalog.find(envelope.data.type, envelope.data.version);
  if (!definition) return { ok: false, reason: `unknown event ${envelope.data.type}@v${envelope.data.version}` };
  const data = definition.schema.safeParse(envelope.data.data);
  if (!data.success) {
    return {
      ok: false,
      reason: `data invalid for ${definition.type}@v${definition.version}: ${describeIssues(data.error)}`,
    };
  }
  return { ok: true, envelope: { ...envelope.data, data: data.data }, definition };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Values that break a field in a different way each: wrong types, empty, too long, off by a character or a case. */
function spoilersOf(value: unknown): unknown[] {
  const spoilers: unknown[] = [undefined, null, true, 0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, '', 'x', [], {}];
  if (typeof value === 'string') {
    spoilers.push(
      `${value} `,
      ` ${value}`,
      value.toUpperCase(),
      value.slice(1),
      `${value}x`,
      value.repeat(40),
      `${value.slice(0, -1)}é`,
      value.replace(/\d/, 'g'),
      value.replace('Z', '+01:00'),
      value.replace('Z', ''),
      value.replace('T', ' '),
    );
  }
  if (typeof value === 'number') spoilers.push(value + 0.5, -value, String(value), Infinity, NaN);
  return spoilers;
}

/** Every copy of `value` with one field (at any depth) spoiled, removed, or a field added beside it. */
function* mutations(value: unknown): Generator {
  if (value === null || typeof value !== 'object') {
    yield* spoilersOf(value);
    return;
  }
  const record = value as Record<string, unknown>;
  yield { ...record, addedLater: 'x' };
  for (const [key, field] of Object.entries(record)) {
    const { [key]: _removed, ...without } = record;
    yield without;
    for (const spoiled of mutations(field)) yield { ...record, [key]: spoiled };
  }
}

const now = '2026-12-01T10:00:00.000Z';
const jwk = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};
const samples: [EventDefinition, string, unknown][] = [
  [
    RevocationUpsertedV1,
    'acme',
    {
      revocationId: '6f1c2f4e-8a53-4d8e-9d0a-5c4b0f7e2a11',
      subject: { kind: 'installation', value: '2HzGZ2LzlkvCizYPKCpE968rlW8f7I0R4EuYoP58ADw' },
      reason: 'stolen device',
      createdAt: now,
      expiresAt: '2027-01-01T00:00:00.000+01:00',
    },
  ],
  [
    RevocationUpsertedV1,
    'globex',
    {
      revocationId: '0b7e4a56-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
      subject: { kind: 'token', value: 'a3c1e5f7-0b2d-4f6a-8c9e-1b3d5f7a9c0e' },
      createdAt: now,
      expiresAt: null,
    },
  ],
  [
    SigningKeyUpsertedV1,
    'acme',
    {
      kid: 'k1a2b3c4d5e6f7g8',
      alg: 'ES256',
      state: 'active',
      issuer: 'https://tessera.example.com/tenants/acme',
      publicJwk: jwk,
      createdAt: now,
      activatedAt: now,
      deactivatedAt: null,
      retiresAt: null,
      revokedAt: null,
      revocationReason: null,
    },
  ],
  [
    SigningKeyUpsertedV1,
    'acme',
    {
      kid: 'h1a2b3c4d5e6f7g8',
      alg: 'HS256',
      state: 'next',
      issuer: 'https://tessera.example.com/tenants/acme',
      publicJwk: null,
      sealedSecret: {
        alg: 'A256GCM',
        kekId: 'kek-1',
        iv: 'AAAAAAAAAAAAAAAA',
        ciphertext: 'AAAA',
        tag: 'AAAAAAAAAAAAAAAAAAAAAA==',
      },
      createdAt: now,
      activatedAt: null,
      deactivatedAt: null,
      retiresAt: null,
      revokedAt: null,
      revocationReason: null,
    },
  ],
  [
    FailureKeyUpsertedV1,
    'system',
    {
      failureKeyId: 'f1a2b3c4d5e6f7g8',
      alg: 'EdDSA',
      publicJwk: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
      createdAt: now,
      forgetAfter: '2026-12-02T11:00:00.000Z',
    },
  ],
  [TenantUpsertedV1, 'acme', { tenantId: 'acme', name: 'Acme', status: 'active' }],
];

function expectSameDecision(value: string): void {
  const compiled = catalog.parse(value);
  const reference = parseWithSchemas(value);
  expect(compiled).toEqual(reference);
  // toEqual ignores keys set to undefined; the data handed to handlers must not differ even there.
  if (compiled.ok && reference.ok)
    expect(Object.keys(compiled.envelope.data as object)).toEqual(Object.keys(reference.envelope.data as object));
}

describe('EventCatalog.parse on compiled schemas', () => {
  it.each(
    samples.map(([definition, tenant, data]) => ({
      name: `${definition.type} of ${tenant}`,
      definition,
      tenant,
      data,
    })),
  )('decides $name and each spoiled copy of it as the schemas do', ({ definition, tenant, data }) => {
    const envelope = catalog.build(definition, { tenant, producer: 'test', data });
    expect(catalog.parse(JSON.stringify(envelope)).ok).toBe(true);
    let mutated = 0;
    for (const variant of mutations({ ...envelope })) {
      expectSameDecision(JSON.stringify(variant));
      mutated += 1;
    }
    expect(mutated).toBeGreaterThan(100);
  });

  it('decides values that are no envelope at all as the schemas do', () => {
    for (const value of ['null', '1', '"x"', '[]', '{}', '{"id":1}', JSON.stringify({ data: {} })]) {
      expectSameDecision(value);
    }
  });

  it("decides any event's data, spoiled, as the event's schema does", () => {
    const tenant = { tenantId: 'acme', name: 'Acme', status: 'active' } as const;
    const envelope = catalog.build(TenantUpsertedV1, { tenant: 'acme', producer: 'test', data: tenant });
    const spoiled = [null, {}, { id: 'x' }, 'x', [1], ...samples.map(([, , data]) => data)];
    for (const definition of ALL_EVENTS) {
      for (const data of spoiled) {
        expectSameDecision(JSON.stringify({ ...envelope, type: definition.type, version: definition.version, data }));
      }
    }
  });
});
