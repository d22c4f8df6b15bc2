import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('test', 'info', stream), lines };
}

describe('createLogger', () => {
  it('writes JSON lines with level, time, service and message', () => {
    const { logger, lines } = capture();
    logger.info({ count: 3 }, 'hello');
    expect(lines[0]).toMatchObject({ level: 'info', service: 'tessera-test', msg: 'hello', count: 3 });
    expect(typeof lines[0]?.time).toBe('string');
  });

  it('redacts secrets at the top level, one level down and in headers', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        password: 'p0',
        config: { DATABASE_URL: 'postgres://u:p1@h/db', KAFKA_SASL_PASSWORD: 'p2' },
        credentials: { token: 't3', apiKey: 'k4' },
        req: { headers: { authorization: 'Bearer t5', 'tessera-token': 't6', 'x-api-key': 'k7', accept: 'json' } },
      },
      'with secrets',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['p0', 'p1', 'p2', 't3', 'k4', 't5', 't6', 'k7']) expect(text).not.toContain(secret);
    expect(text).toContain('"accept":"json"');
    expect(text.match(/\[redacted\]/g)?.length).toBe(8);
  });

  it('never throws while logging buffers, URLs or typed arrays beside redacted fields', () => {
    const { logger, lines } = capture();
    expect(() => {
      logger.info(
        { key: Buffer.from('k'), nested: { url: new URL('https://x.test/a'), bytes: new Uint8Array(2) } },
        'odd values',
      );
    }).not.toThrow();
    expect(lines).toHaveLength(1);
  });

  it('logs errors by name, message, code and stack only', () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('query failed'), { code: '23505', parameters: ['s3cret-param'] });
    logger.error({ err: error }, 'boom');
    expect(lines[0]?.err).toMatchObject({ type: 'Error', message: 'query failed', code: '23505' });
    expect(JSON.stringify(lines[0])).not.toContain('s3cret-param');
  });
});
