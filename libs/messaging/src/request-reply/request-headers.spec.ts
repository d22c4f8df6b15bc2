import { RequestHeaders } from '@tessera/contracts';
import { headerText, parseReplyHeaders, parseRequestHeaders, replyHeaders, requestHeaders } from './request-headers';

const address = {
  correlationId: '0f4c8a6e-2b1d-4c3e-9f8a-7b6c5d4e3f2a',
  replyTo: 'integrity-7f3a',
  deadline: 1_798_000_000_123,
  type: 'token.issue',
  version: 1,
};

/** Headers as kafkajs hands them to a consumer: Buffers. */
function asReceived(headers: Record<string, string>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Buffer.from(value)]));
}

describe('request and reply headers', () => {
  it('writes every RequestHeaders field of a request, and reads them back from Buffers', () => {
    const headers = requestHeaders(address);
    expect(headers).toEqual({
      'tessera-correlation-id': address.correlationId,
      'tessera-reply-to': 'integrity-7f3a',
      'tessera-deadline': '1798000000123',
      'tessera-request-type': 'token.issue',
      'tessera-request-version': '1',
      'content-type': 'application/json',
    });
    expect(parseRequestHeaders(asReceived(headers))).toEqual({ ok: true, value: address });
  });

  it('writes a reply with the correlation id and reply-to of its request, and no deadline', () => {
    const { deadline: _deadline, ...reply } = address;
    const headers = replyHeaders(reply);
    expect(headers[RequestHeaders.deadline]).toBeUndefined();
    expect(parseReplyHeaders(asReceived(headers))).toEqual({ ok: true, value: reply });
  });

  it.each([
    ['no headers at all', undefined],
    ['no correlation id', { ...requestHeaders(address), [RequestHeaders.correlationId]: undefined }],
    ['an empty reply-to', { ...requestHeaders(address), [RequestHeaders.replyTo]: '' }],
    ['a repeated reply-to', { ...requestHeaders(address), [RequestHeaders.replyTo]: ['a', 'b'] }],
    ['a 201-character correlation id', { ...requestHeaders(address), [RequestHeaders.correlationId]: 'x'.repeat(201) }],
    ['no type', { ...requestHeaders(address), [RequestHeaders.type]: undefined }],
    ['version 0', { ...requestHeaders(address), [RequestHeaders.version]: '0' }],
    ['version 1.5', { ...requestHeaders(address), [RequestHeaders.version]: '1.5' }],
    ['no deadline', { ...requestHeaders(address), [RequestHeaders.deadline]: undefined }],
    ['a deadline as a date', { ...requestHeaders(address), [RequestHeaders.deadline]: '2026-12-01T10:00:00Z' }],
    ['a negative deadline', { ...requestHeaders(address), [RequestHeaders.deadline]: '-5' }],
  ])('refuses a request with %s, saying which header', (_what, headers) => {
    const parsed = parseRequestHeaders(headers);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(/tessera-/);
  });

  it('reads a header given as a string or a Buffer, and not a repeated one', () => {
    expect(headerText({ a: 'text' }, 'a')).toBe('text');
    expect(headerText({ a: Buffer.from('bytes') }, 'a')).toBe('bytes');
    expect(headerText({ a: ['one', 'two'] }, 'a')).toBeUndefined();
    expect(headerText(undefined, 'a')).toBeUndefined();
  });
});
