import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '@tessera/config';
import { generateApiKey } from '@tessera/access';
import { bootstrapCommandConfigSchema, registrationConfigSchema } from './registration.config';

const kek = { TESSERA_KEK: `kek-test:${randomBytes(32).toString('base64')}` };

describe('registration config: the key-encryption key', () => {
  it('is required', () => {
    expect(() => loadConfig('tessera-registration', registrationConfigSchema, {})).toThrow(/TESSERA_KEK: is required/);
  });

  it('is read with the previous ones', () => {
    const config = loadConfig('tessera-registration', registrationConfigSchema, {
      ...kek,
      TESSERA_KEK_PREVIOUS: `kek-old:${randomBytes(32).toString('base64')}`,
    });
    expect(config.TESSERA_KEK.id).toBe('kek-test');
    expect(config.TESSERA_KEK_PREVIOUS.map((k) => k.id)).toEqual(['kek-old']);
  });

  it('is not needed by the bootstrap command, which seals nothing', () => {
    expect(loadConfig('tessera-registration', bootstrapCommandConfigSchema, {}).DATABASE_SCHEMA).toBe('registration');
  });
});

describe('registration config: the bootstrap admin key', () => {
  it('is optional', () => {
    const config = loadConfig('tessera-registration', registrationConfigSchema, kek);
    expect(config.TESSERA_BOOTSTRAP_ADMIN_KEY).toBeUndefined();
  });

  it('takes a tenant and a well-formed key together', () => {
    const { key } = generateApiKey();
    const config = loadConfig('tessera-registration', registrationConfigSchema, {
      ...kek,
      TESSERA_BOOTSTRAP_TENANT: 'acme',
      TESSERA_BOOTSTRAP_ADMIN_KEY: key,
    });
    expect(config).toMatchObject({ TESSERA_BOOTSTRAP_TENANT: 'acme', TESSERA_BOOTSTRAP_ADMIN_KEY: key });
  });

  it('refuses one without the other', () => {
    expect(() =>
      loadConfig('tessera-registration', registrationConfigSchema, { ...kek, TESSERA_BOOTSTRAP_TENANT: 'acme' }),
    ).toThrow(/go together/);
  });

  it('refuses a malformed key without echoing it', () => {
    const secret = 'tsk_not-a-real-key-but-still-a-secret';
    let error: unknown;
    try {
      loadConfig('tessera-registration', registrationConfigSchema, {
        ...kek,
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

describe('registration config: APK uploads', () => {
  it('takes 256 MiB and the system temp directory by default', () => {
    const config = loadConfig('tessera-registration', registrationConfigSchema, kek);
    expect(config.REGISTRATION_APK_MAX_BYTES).toBe(268_435_456);
    expect(config.REGISTRATION_UPLOAD_DIR).toBe(tmpdir());
  });

  it('takes a limit and a directory, and refuses a relative directory or a limit that is not a size', () => {
    const config = loadConfig('tessera-registration', registrationConfigSchema, {
      ...kek,
      REGISTRATION_APK_MAX_BYTES: '1048576',
      REGISTRATION_UPLOAD_DIR: '/var/lib/tessera/uploads',
    });
    expect(config).toMatchObject({
      REGISTRATION_APK_MAX_BYTES: 1_048_576,
      REGISTRATION_UPLOAD_DIR: '/var/lib/tessera/uploads',
    });
    expect(() =>
      loadConfig('tessera-registration', registrationConfigSchema, { ...kek, REGISTRATION_UPLOAD_DIR: 'tmp' }),
    ).toThrow(/REGISTRATION_UPLOAD_DIR: expected an absolute directory path/);
    expect(() =>
      loadConfig('tessera-registration', registrationConfigSchema, { ...kek, REGISTRATION_APK_MAX_BYTES: '1.5' }),
    ).toThrow(/REGISTRATION_APK_MAX_BYTES: expected a size in bytes/);
  });
});
