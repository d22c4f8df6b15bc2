import { ALL_TOPICS, Topics } from '../topics';
import { ALL_REQUESTS } from './index';
import { replySchema } from './request-definition';
import { TokenIssuanceV1 } from './token-issuance.request';

const pass = {
  tenant: 'acme',
  appId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  verdict: 'pass',
  registrationId: '9f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
  installationKeyThumbprint: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
};

describe('token.issue v1 (request/reply)', () => {
  it('is listed and asks on the token requests topic, answered on the replies topic, both registered', () => {
    expect(ALL_REQUESTS).toContain(TokenIssuanceV1);
    expect(TokenIssuanceV1.requestTopic).toBe(Topics.tokenRequests);
    expect(TokenIssuanceV1.replyTopic).toBe(Topics.tokenReplies);
    for (const topic of [Topics.tokenRequests, Topics.tokenReplies]) expect(ALL_TOPICS).toContain(topic);
  });

  it('defaults the lifetime to 5 minutes and keys requests by tenant and app', () => {
    const parsed = TokenIssuanceV1.request.parse(pass);
    expect(parsed.lifetimeSeconds).toBe(300);
    expect(TokenIssuanceV1.key(parsed)).toBe(`acme/${pass.appId}`);
  });

  it('takes a fail verdict without registration or installation key (the evidence may have named neither)', () => {
    expect(TokenIssuanceV1.request.safeParse({ tenant: 'acme', appId: pass.appId, verdict: 'fail' }).success).toBe(
      true,
    );
  });

  it.each([
    ['a pass without registration', { ...pass, registrationId: undefined }],
    ['a pass without installation key', { ...pass, installationKeyThumbprint: undefined }],
    ['an unknown verdict', { ...pass, verdict: 'maybe' }],
    ['a lifetime under 30 s', { ...pass, lifetimeSeconds: 29 }],
    ['a lifetime over a day', { ...pass, lifetimeSeconds: 86_401 }],
    ['a binding that is not a SHA-256', { ...pass, payloadBinding: 'abc' }],
    ['a client IP that is not one', { ...pass, clientIp: 'example.com' }],
    ['17 annotations', { ...pass, annotations: Object.fromEntries([...Array(17).keys()].map((i) => [`a${i}`, i])) }],
    ['a nested annotation', { ...pass, annotations: { a: { b: 1 } } }],
    ['a tenant id with capitals', { ...pass, tenant: 'Acme' }],
  ])('refuses %s', (_what, data) => {
    expect(TokenIssuanceV1.request.safeParse(data).success).toBe(false);
  });

  it('replies with a result or an error code, nothing else', () => {
    const reply = replySchema(TokenIssuanceV1.result);
    const result = { token: 'a.b.c', expiresAt: '2026-12-01T10:05:00.000Z', lifetimeSeconds: 300, kid: 'k1a2b3c4d5' };
    expect(reply.safeParse({ ok: true, result }).success).toBe(true);
    expect(reply.safeParse({ ok: false, error: { code: 'unavailable', message: 'no signing key yet' } }).success).toBe(
      true,
    );
    expect(reply.safeParse({ ok: false, error: { code: 'teapot', message: '' } }).success).toBe(false);
    expect(reply.safeParse({ ok: true }).success).toBe(false);
  });
});
