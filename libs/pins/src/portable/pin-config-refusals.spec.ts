import { MAX_PIN_CONFIG_LENGTH, PIN_CONFIG_TYPE } from '@tessera/contracts';
import { signPinConfig } from './sign-pin-config';
import {
  CONFIG_APP_ID,
  CONFIG_NOW,
  configKey,
  encodeJson,
  pinConfig,
  rawEs256,
  rawHs256,
} from './testing/pin-config-fixtures';
import { PIN_CONFIG_REFUSALS, type PinConfigRefusal, verifyPinConfig } from './verify-pin-config';

/**
 * Every signed pin config the SDK must refuse, one row per case, through `verifyPinConfig` as the SDK calls it (the
 * app's key set, its tenant and app, the version it has). Rows past the form are properly signed by the key their
 * kid names unless the row says otherwise, so each is refused for what its row names.
 */
const signer = configKey('pins-2026');
const other = configKey('pins-2026');
const stranger = configKey('stranger');
const p384 = configKey('pins-2026', 'P-384');
const config = pinConfig();
const header = { alg: 'ES256', typ: PIN_CONFIG_TYPE, kid: signer.kid };
const signed = (extraHeader: object, body: unknown = config) =>
  rawEs256({ ...header, ...extraHeader }, body, signer.privateKey);
const genuine = () => signPinConfig(config, { privateKey: signer.privateKey, kid: signer.kid });
const [genuineHeader, genuinePayload, genuineSignature] = signed({}).split('.');
const options = { keys: signer.keySet, tenant: 'acme', appId: CONFIG_APP_ID, now: CONFIG_NOW, newerThan: 6 };

const TABLE: [string, PinConfigRefusal, RegExp, () => Promise<string> | string, object?][] = [
  ['nothing at all', 'malformed', /no pin config/, () => ''],
  [
    `longer than ${MAX_PIN_CONFIG_LENGTH} characters`,
    'malformed',
    /at most 65536/,
    () => signed({}, { ...config, padding: 'x'.repeat(MAX_PIN_CONFIG_LENGTH) }),
  ],
  ['two segments', 'malformed', /3 segments, this has 2/, () => `${genuineHeader}.${genuinePayload}`],
  [
    'padded base64',
    'malformed',
    /not unpadded base64url/,
    () => `${genuineHeader}==.${genuinePayload}.${genuineSignature}`,
  ],
  [
    'a header that is not JSON',
    'malformed',
    /^header: not JSON/,
    () => `${Buffer.from('{alg').toString('base64url')}.${genuinePayload}.${genuineSignature}`,
  ],
  [
    'alg none, no signature',
    'malformed',
    /signature is empty/,
    () => `${encodeJson({ ...header, alg: 'none' })}.${genuinePayload}.`,
  ],
  [
    'alg none with a signature segment',
    'malformed',
    /^header: alg/,
    () => `${encodeJson({ ...header, alg: 'none' })}.${genuinePayload}.${genuineSignature}`,
  ],
  [
    'algorithm confusion: HS256 keyed with the public key PEM',
    'malformed',
    /^header: alg/,
    () =>
      rawHs256(
        { ...header, alg: 'HS256' },
        config,
        signer.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      ),
  ],
  [
    'algorithm confusion: HS256 keyed with the public JWK',
    'malformed',
    /^header: alg/,
    () => rawHs256({ ...header, alg: 'HS256' }, config, JSON.stringify(signer.publicJwk)),
  ],
  [
    'ES384 with a P-384 key',
    'malformed',
    /^header: alg/,
    () => rawEs256({ ...header, alg: 'ES384' }, config, p384.privateKey, 'sha384'),
  ],
  ['no typ', 'malformed', /^header: typ/, () => rawEs256({ alg: 'ES256', kid: signer.kid }, config, signer.privateKey)],
  ['typ JWT', 'malformed', /^header: typ/, () => signed({ typ: 'JWT' })],
  [
    'no kid',
    'malformed',
    /^header: kid/,
    () => rawEs256({ alg: 'ES256', typ: PIN_CONFIG_TYPE }, config, signer.privateKey),
  ],
  ['a key of its own in the header (jwk)', 'malformed', /"jwk"/, () => signed({ jwk: stranger.publicJwk })],
  ['a jku header', 'malformed', /"jku"/, () => signed({ jku: 'https://evil.example/jwks.json' })],
  ['a crit header', 'malformed', /"crit"/, () => signed({ crit: ['exp'], exp: 1 })],
  [
    'a kid the key set does not have',
    'unknown-key',
    /no key of the key set/,
    () => rawEs256({ ...header, kid: stranger.kid }, config, stranger.privateKey),
  ],
  [
    'a key set that is not a pins JWKS',
    'unknown-key',
    /not a pins JWKS: keys.0.crv/,
    () => signed({}),
    { keys: p384.keySet },
  ],
  [
    'another key signing under the genuine kid',
    'bad-signature',
    /does not verify/,
    () => rawEs256(header, config, other.privateKey),
  ],
  [
    'a tampered payload (a pin swapped)',
    'bad-signature',
    /does not verify/,
    async () => {
      const [h, , s] = (await genuine()).split('.');
      return `${h}.${encodeJson({ ...config, domains: [{ pattern: 'api.example.com', pins: [config.domains[1]!.pins[0]] }] })}.${s}`;
    },
  ],
  ['a payload that is not JSON', 'malformed', /^payload: not JSON/, () => signed({}, 'version=7')],
  [
    'a payload the schema refuses (a bad pin)',
    'malformed',
    /^payload: domains.0.pins.0/,
    () => signed({}, { ...config, domains: [{ pattern: 'api.example.com', pins: ['abc'] }] }),
  ],
  ['a payload with an unknown member', 'malformed', /^payload: .*"mode"/, () => signed({}, { ...config, mode: 'off' })],
  [
    'an exp before its iat',
    'malformed',
    /exp does not come after iat/,
    () => signed({}, { ...config, exp: config.iat }),
  ],
  [
    "another app's config",
    'wrong-app',
    /another app/,
    () => signed({}, { ...config, appId: '00000000-0000-4000-8000-000000000000' }),
  ],
  [
    "another tenant's config",
    'wrong-app',
    /another app \(tenant globex/,
    () => signed({}, { ...config, tenant: 'globex' }),
  ],
  [
    'an expired config',
    'expired',
    /expired at 2026-01-15T11:59:59.000Z/,
    () => signed({}, { ...config, exp: CONFIG_NOW / 1000 - 1 }),
  ],
  ['an older version', 'not-newer', /version 5, not newer than 6/, () => signed({}, { ...config, version: 5 })],
  ['the same version again', 'not-newer', /version 6, not newer than 6/, () => signed({}, { ...config, version: 6 })],
];

describe('the pin config refusal table: every bad config, with its reason code', () => {
  it.each(TABLE)('refuses %s: %s', async (_case, reason, detail, jws, optionOverrides = {}) => {
    const verification = await verifyPinConfig(await jws(), { ...options, ...optionOverrides });
    expect(verification).toEqual({ ok: false, reason, detail: expect.stringMatching(detail) as unknown });
  });

  it('accepts the genuine config every row starts from, by the signer and written by hand', async () => {
    await expect(verifyPinConfig(await genuine(), options)).resolves.toEqual({ ok: true, config });
    await expect(verifyPinConfig(signed({}), options)).resolves.toEqual({ ok: true, config });
  });

  it('has a row for every reason code', () => {
    expect(new Set(TABLE.map(([, reason]) => reason))).toEqual(new Set(PIN_CONFIG_REFUSALS));
  });

  it('never throws, whatever it is given', async () => {
    const bad = [undefined, null, 42, {}, 'a.b.c'] as unknown as string[];
    for (const jws of bad)
      await expect(verifyPinConfig(jws, options)).resolves.toMatchObject({ ok: false, reason: 'malformed' });
    await expect(verifyPinConfig(signed({}), { ...options, keys: null as never })).resolves.toMatchObject({
      ok: false,
      reason: 'unknown-key',
    });
  });
});
