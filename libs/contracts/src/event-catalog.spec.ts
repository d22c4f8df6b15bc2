import { randomUUID } from 'node:crypto';
import { EventCatalog } from './event-catalog';
import { RevocationUpsertedV1, TenantUpsertedV1 } from './events';

const catalog = new EventCatalog();

const revocation = {
  revocationId: '6f1c2f4e-8a53-4d8e-9d0a-5c4b0f7e2a11',
  subject: { kind: 'device' as const, value: 'device-123' },
  createdAt: '2026-11-22T10:00:00.000Z',
  expiresAt: null,
};

describe('EventCatalog.build', () => {
  it('wraps data in a complete envelope keyed by the definition', () => {
    const envelope = catalog.build(RevocationUpsertedV1, {
      tenant: 'acme',
      producer: 'registration',
      data: revocation,
    });
    expect(envelope).toMatchObject({
      type: 'revocation.upserted',
      version: 1,
      tenant: 'acme',
      producer: 'registration',
      key: 'acme/revocation/6f1c2f4e-8a53-4d8e-9d0a-5c4b0f7e2a11',
      data: revocation,
    });
    expect(envelope.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(envelope.occurredAt).toISOString()).toBe(envelope.occurredAt);
  });

  it('keeps a given id and time, so a retried write produces the same event', () => {
    const id = randomUUID();
    const at = new Date('2026-01-02T03:04:05.000Z');
    const envelope = catalog.build(TenantUpsertedV1, {
      tenant: 'acme',
      producer: 'registration',
      id,
      occurredAt: at,
      data: { tenantId: 'acme', name: 'Acme', status: 'active' },
    });
    expect(envelope.id).toBe(id);
    expect(envelope.occurredAt).toBe(at.toISOString());
  });

  it('refuses to build an event its own schema rejects', () => {
    expect(() =>
      catalog.build(RevocationUpsertedV1, {
        tenant: 'acme',
        producer: 'registration',
        data: { ...revocation, subject: { kind: 'planet' as never, value: 'x' } },
      }),
    ).toThrow(/subject/);
  });

  it('refuses a tenant id that cannot be part of a key', () => {
    expect(() =>
      catalog.build(TenantUpsertedV1, {
        tenant: 'Acme/Corp',
        producer: 'registration',
        data: { tenantId: 'acme', name: 'A', status: 'active' },
      }),
    ).toThrow(/tenant/);
  });
});

describe('EventCatalog.parse', () => {
  const valid = catalog.build(RevocationUpsertedV1, { tenant: 'acme', producer: 'registration', data: revocation });

  it('accepts a valid event and returns its definition', () => {
    const parsed = catalog.parse(Buffer.from(JSON.stringify(valid)));
    expect(parsed).toMatchObject({ ok: true, definition: RevocationUpsertedV1, envelope: valid });
  });

  it('drops unknown fields in data (tolerant reader) but keeps known ones', () => {
    const parsed = catalog.parse(JSON.stringify({ ...valid, data: { ...valid.data, addedLater: 1 } }));
    expect(parsed.ok && parsed.envelope.data).toEqual(revocation);
  });

  it.each([
    ['not JSON', '{nope', /value is not JSON/],
    ['no envelope', JSON.stringify({ hello: 'world' }), /envelope invalid: id/],
    ['bad id', JSON.stringify({ ...valid, id: 'x' }), /envelope invalid: id/],
    ['bad time', JSON.stringify({ ...valid, occurredAt: 'yesterday' }), /envelope invalid: occurredAt/],
    ['unknown type', JSON.stringify({ ...valid, type: 'planet.exploded' }), /unknown event planet\.exploded@v1/],
    ['unknown version', JSON.stringify({ ...valid, version: 9 }), /unknown event revocation\.upserted@v9/],
    [
      'bad data',
      JSON.stringify({ ...valid, data: { ...revocation, expiresAt: 'soon' } }),
      /data invalid for revocation\.upserted@v1: expiresAt/,
    ],
  ])('refuses %s with a reason', (_case, value, reason) => {
    const parsed = catalog.parse(value);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });
});

describe('EventCatalog', () => {
  it('refuses two definitions of one type and version', () => {
    expect(() => new EventCatalog([TenantUpsertedV1, TenantUpsertedV1])).toThrow(/defined twice/);
  });
});
