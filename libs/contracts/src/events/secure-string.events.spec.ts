import { EventCatalog } from '../event-catalog';
import { Topics } from '../topics';
import { ALL_EVENTS } from './index';
import { secureStringAad, SecureStringUpsertedV1 } from './secure-string.events';

const catalog = new EventCatalog();
const secureString = {
  secureStringId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
  appId: '7a1f7d9e-3b7c-4a51-9d43-1c0ad1a6e0b2',
  name: 'PAYMENTS_API_KEY',
  version: 2,
  sealed: {
    alg: 'A256GCM' as const,
    kekId: 'kek-2026-11',
    iv: 'AAECAwQFBgcICQoL',
    ciphertext: 'c2VhbGVk',
    tag: 'AAECAwQFBgcICQoLDA0ODw==',
  },
};

describe('secure-string.upserted v1', () => {
  it('is listed, goes to the compacted registry topic and is keyed <tenant>/secure-string/<id>', () => {
    expect(ALL_EVENTS).toContain(SecureStringUpsertedV1);
    expect(SecureStringUpsertedV1.topic).toBe(Topics.registry);
    const envelope = catalog.build(SecureStringUpsertedV1, {
      tenant: 'acme',
      producer: 'registration',
      data: secureString,
    });
    expect(envelope).toMatchObject({
      type: 'secure-string.upserted',
      version: 1,
      key: `acme/secure-string/${secureString.secureStringId}`,
      data: secureString,
    });
  });

  it.each([
    ['a name starting with a digit', { ...secureString, name: '1KEY' }],
    ['a name over 64 characters', { ...secureString, name: 'K'.repeat(65) }],
    ['version 0', { ...secureString, version: 0 }],
    ['another algorithm', { ...secureString, sealed: { ...secureString.sealed, alg: 'A128GCM' } }],
    ['a plaintext value', { ...secureString, value: 'x', sealed: undefined }],
    [
      'a ciphertext that is not base64',
      { ...secureString, sealed: { ...secureString.sealed, ciphertext: 'n0t base64!' } },
    ],
  ])('refuses %s', (_what, data) => {
    expect(SecureStringUpsertedV1.schema.safeParse(data).success).toBe(false);
  });

  it('names the additional data its value is sealed with: <tenant>/<app id>/<name>', () => {
    expect(secureStringAad('acme', secureString.appId, 'PAYMENTS_API_KEY')).toBe(
      `acme/${secureString.appId}/PAYMENTS_API_KEY`,
    );
  });
});
