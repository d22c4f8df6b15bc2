import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { kekShape, optionalKekShape } from './kek-config';
import { loadConfig } from './load-config';
import { SECRET_VARIABLES, serviceShape } from './service-config';

const schema = z.object({ ...serviceShape(3009), ...kekShape() });
const key = () => randomBytes(32).toString('base64');

function problemsOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig('tessera-test', schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('kekShape: TESSERA_KEK and TESSERA_KEK_PREVIOUS', () => {
  it('parses the current KEK and the previous ones into keys that show only their ids', () => {
    const current = key();
    const config = loadConfig('tessera-test', schema, {
      TESSERA_KEK: `kek-2026-11:${current}`,
      TESSERA_KEK_PREVIOUS: `kek-2026-05:${key()},kek-2025-11:${key()}`,
    });
    expect(config.TESSERA_KEK.id).toBe('kek-2026-11');
    expect(config.TESSERA_KEK_PREVIOUS.map((k) => k.id)).toEqual(['kek-2026-05', 'kek-2025-11']);
    expect(JSON.stringify(config)).not.toContain(current);
    expect(inspect(config, { depth: 10 })).not.toContain(current);
  });

  it('has no previous KEKs by default', () => {
    expect(loadConfig('tessera-test', schema, { TESSERA_KEK: `k:${key()}` }).TESSERA_KEK_PREVIOUS).toEqual([]);
  });

  it('is required in every environment, saying how to write one', () => {
    for (const NODE_ENV of ['development', 'test', 'production']) {
      const error = problemsOf({ NODE_ENV, KAFKA_BROKERS: 'kafka:9092' });
      expect(error.problems).toEqual([
        {
          variable: 'TESSERA_KEK',
          expected: 'is required: <kek id>:<base64 of 32 random bytes> (see docs/configuration.md)',
        },
      ]);
    }
  });

  it.each([
    ['TESSERA_KEK', 'k1:' + randomBytes(16).toString('base64'), /exactly 32 bytes/],
    ['TESSERA_KEK', randomBytes(32).toString('base64'), /<kek id>:<base64 of 32 bytes>/],
    ['TESSERA_KEK_PREVIOUS', `old:${randomBytes(31).toString('base64')}`, /exactly 32 bytes/],
  ])('refuses a malformed %s without echoing it', (variable, value, problem) => {
    const env: NodeJS.ProcessEnv = { TESSERA_KEK: `k:${key()}`, [variable]: value };
    const error = problemsOf(env);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ variable, received: '<redacted>' });
    expect(error.problems[0]?.expected).toMatch(problem);
    expect(error.message).not.toContain(value);
    expect(error.message).not.toContain(value.slice(value.indexOf(':') + 1));
  });

  it('refuses a KEK id configured twice', () => {
    const error = problemsOf({ TESSERA_KEK: `k1:${key()}`, TESSERA_KEK_PREVIOUS: `k0:${key()},k1:${key()}` });
    expect(error.problems).toEqual([
      {
        variable: 'TESSERA_KEK_PREVIOUS',
        expected: 'the KEK id k1 is configured twice: each KEK needs its own id',
        received: '<redacted>',
      },
    ]);
  });

  it('counts both among the secret variables', () => {
    expect(SECRET_VARIABLES.has('TESSERA_KEK')).toBe(true);
    expect(SECRET_VARIABLES.has('TESSERA_KEK_PREVIOUS')).toBe(true);
  });
});

describe('optionalKekShape: a KEK a service can do without', () => {
  const optional = z.object({ ...serviceShape(3009), ...optionalKekShape() });

  it('is absent when unset, and parsed like the required one when set', () => {
    expect(loadConfig('tessera-test', optional, {}).TESSERA_KEK).toBeUndefined();
    expect(loadConfig('tessera-test', optional, { TESSERA_KEK: `kek-1:${key()}` }).TESSERA_KEK?.id).toBe('kek-1');
  });

  it('refuses a malformed value without echoing it', () => {
    const value = randomBytes(32).toString('base64');
    let refusal: unknown;
    try {
      loadConfig('tessera-test', optional, { TESSERA_KEK: value });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as ConfigError).problems[0]?.expected).toMatch(/<kek id>:<base64 of 32 bytes>/);
    expect(inspect(refusal)).not.toContain(value);
  });
});
