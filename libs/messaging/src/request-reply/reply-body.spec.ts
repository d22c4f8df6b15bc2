import { defineRequest, Topics } from '@tessera/contracts';
import { z } from 'zod';
import { decodeReply, encodeError, encodeResult } from './reply-body';

const Echo = defineRequest({
  type: 'test.echo',
  version: 1,
  requestTopic: Topics.tokenRequests,
  replyTopic: Topics.tokenReplies,
  description: 'echo',
  request: z.object({ n: z.number() }),
  result: z.object({ n: z.number() }),
  key: (request) => String(request.n),
});

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('reply bodies', () => {
  it('reads back a result and an error as written', () => {
    expect(decodeReply(Echo, bytes(encodeResult({ n: 1 })))).toEqual({ kind: 'result', result: { n: 1 } });
    expect(decodeReply(Echo, bytes(encodeError('unavailable', 'no key yet')))).toEqual({
      kind: 'error',
      error: { code: 'unavailable', message: 'no key yet' },
    });
  });

  it('cuts an error message to what the reply schema allows, so the reply stays valid', () => {
    const decoded = decodeReply(Echo, bytes(encodeError('invalid-request', 'x'.repeat(5000))));
    expect(decoded.kind).toBe('error');
    if (decoded.kind === 'error') expect(decoded.error.message).toHaveLength(2000);
  });

  it.each([
    ['no body', null, /no body/],
    ['a body that is not JSON', bytes('{"ok":'), /not JSON/],
    ['a result of the wrong shape', bytes('{"ok":true,"result":{"n":"one"}}'), /^result\.n: /],
    ['an unknown error code', bytes('{"ok":false,"error":{"code":"teapot","message":""}}'), /^error\.code: /],
    ['neither result nor error', bytes('{"ok":true}'), /^result: /],
  ])('calls a reply with %s malformed, saying why', (_what, value, reason) => {
    const decoded = decodeReply(Echo, value);
    expect(decoded.kind).toBe('malformed');
    if (decoded.kind === 'malformed') expect(decoded.reason).toMatch(reason);
  });
});
