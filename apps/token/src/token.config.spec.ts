import { randomBytes } from 'node:crypto';
import { loadConfig } from '@tessera/config';
import { tokenConfigSchema } from './token.config';

const kek = { TESSERA_KEK: `kek-test:${randomBytes(32).toString('base64')}` };

describe('token config: the failure keys', () => {
  it('publishes each failure key 10 s before it signs, by default', () => {
    const config = loadConfig('tessera-token', tokenConfigSchema, kek);
    expect(config.TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS).toBe(10);
    expect(config.TOKEN_FAILURE_KEY_ROTATION_SECONDS).toBe(3600);
  });

  it('takes a lead shorter than the rotation', () => {
    const config = loadConfig('tessera-token', tokenConfigSchema, {
      ...kek,
      TOKEN_FAILURE_KEY_ROTATION_SECONDS: '120',
      TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS: '30',
    });
    expect(config.TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS).toBe(30);
  });

  it.each(['60', '61'])('refuses a lead of %s s with a rotation of 60 s', (lead) => {
    expect(() =>
      loadConfig('tessera-token', tokenConfigSchema, {
        ...kek,
        TOKEN_FAILURE_KEY_ROTATION_SECONDS: '60',
        TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS: lead,
      }),
    ).toThrow(/TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS: must be less than TOKEN_FAILURE_KEY_ROTATION_SECONDS/);
  });

  it('refuses a lead that is not a positive number of seconds', () => {
    expect(() =>
      loadConfig('tessera-token', tokenConfigSchema, { ...kek, TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS: '0' }),
    ).toThrow(/TOKEN_FAILURE_KEY_PUBLISH_LEAD_SECONDS/);
  });
});
