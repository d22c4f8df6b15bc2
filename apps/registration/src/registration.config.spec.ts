import { ConfigError, loadConfig } from '@tessera/config';
import { generateApiKey } from '@tessera/access';
import { registrationConfigSchema } from './registration.config';

describe('registration config: the bootstrap admin key', () => {
  it('is optional', () => {
    const config = loadConfig('tessera-registration', registrationConfigSchema, {});
    expect(config.TESSERA_BOOTSTRAP_ADMIN_KEY).toBeUndefined();
  });

  it('takes a tenant and a well-formed key together', () => {
    const { key } = generateApiKey();
    const config = loadConfig('tessera-registration', registrationConfigSchema, {
      TESSERA_BOOTSTRAP_TENANT: 'acme',
      TESSERA_BOOTSTRAP_ADMIN_KEY: key,
    });
    expect(config).toMatchObject({ TESSERA_BOOTSTRAP_TENANT: 'acme', TESSERA_BOOTSTRAP_ADMIN_KEY: key });
  });

  it('refuses one without the other', () => {
    expect(() =>
      loadConfig('tessera-registration', registrationConfigSchema, { TESSERA_BOOTSTRAP_TENANT: 'acme' }),
    ).toThrow(/go together/);
  });

  it('refuses a malformed key without echoing it', () => {
    const secret = 'tsk_not-a-real-key-but-still-a-secret';
    let error: unknown;
    try {
      loadConfig('tessera-registration', registrationConfigSchema, {
        TESSERA_BOOTSTRAP_TENANT: 'acme',
        TESSERA_BOOTSTRAP_ADMIN_KEY: secret,
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('TESSERA_BOOTSTRAP_ADMIN_KEY');
    expect((error as Error).message).not.toContain(secret);
  });
});
