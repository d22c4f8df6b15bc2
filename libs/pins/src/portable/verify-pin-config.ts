import {
  MAX_PIN_CONFIG_LENGTH,
  PIN_CONFIG_TYPE,
  type PinConfig,
  PinConfigKeySetSchema,
  PinConfigSchema,
} from '@tessera/contracts';
import { base64url, compactVerify, createLocalJWKSet, errors, type JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { describeIssues } from './issues';

/**
 * Why a signed pin config is refused; stable codes, for the SDK's logs and its tests:
 * - `malformed`: not a compact JWS of the right size, a header other than `{ alg: 'ES256', typ, kid }` (so `none`,
 *   HS256 and every other algorithm), a payload the contract refuses;
 * - `unknown-key`: no key of the key set has the header's `kid` (or the key set is not a pins JWKS);
 * - `bad-signature`: the key named does not verify it (a tampered payload, another key's signature);
 * - `wrong-app`: signed, but for another tenant or app;
 * - `expired`: signed and for this app, but past its `exp`;
 * - `not-newer`: signed, for this app, fresh, but not newer than the version the caller has.
 */
export const PIN_CONFIG_REFUSALS = [
  'malformed',
  'unknown-key',
  'bad-signature',
  'wrong-app',
  'expired',
  'not-newer',
] as const;
export type PinConfigRefusal = (typeof PIN_CONFIG_REFUSALS)[number];

export type PinConfigVerification =
  | { ok: true; config: PinConfig }
  | {
      ok: false;
      reason: PinConfigRefusal;
      /** Why, for logs: no secrets, bounded. */
      detail: string;
    };

export interface PinConfigVerificationOptions {
  /** The pins JWKS: shipped with the app, or fetched. */
  keys: JSONWebKeySet;
  tenant: string;
  appId: string;
  /** The clock, epoch ms (default: Date.now()). */
  now?: number;
  /** Refuse a config whose version is not greater than this one (`not-newer`). */
  newerThan?: number;
  /**
   * Take a config past its `exp` (only the one shipped with the app: an old build's config still enforces its pins,
   * fail closed, until an update replaces it). Every other check still applies.
   */
  acceptExpired?: boolean;
}

const MAX_DETAIL_LENGTH = 300;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** The protected header, exactly: any other member (`crit`, `jwk`, `jku`, `x5c`, `b64`, …) is refused. */
const PinConfigHeaderSchema = z.strictObject({
  alg: z.literal('ES256'),
  typ: z.literal(PIN_CONFIG_TYPE),
  kid: z.string().min(1).max(128),
});

/** The jose key set of each JWKS object given, so its keys are imported once, not at every verification. */
const keySets = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();

/**
 * Verifies a signed pin config as the SDK (or the pins service, for its own output) receives it: size, form, header,
 * the key by `kid` in the key set given, ES256 signature (jose), payload through `PinConfigSchema`, then whether it is
 * for this app, unexpired and newer. Only jose and zod (no `node:` import): it runs on React Native. Never throws.
 */
export async function verifyPinConfig(
  jws: string,
  options: PinConfigVerificationOptions,
): Promise<PinConfigVerification> {
  try {
    return await verify(jws, options);
  } catch (error) {
    // Nothing below is expected to throw; if something does, the config is refused, not the app crashed.
    return refused('malformed', `verification failed unexpectedly: ${errorName(error)}`);
  }
}

async function verify(jws: unknown, options: PinConfigVerificationOptions): Promise<PinConfigVerification> {
  if (typeof jws !== 'string' || jws.length === 0) return refused('malformed', 'no pin config was given');
  if (jws.length > MAX_PIN_CONFIG_LENGTH) {
    return refused(
      'malformed',
      `the pin config is ${jws.length} characters, at most ${MAX_PIN_CONFIG_LENGTH} are accepted`,
    );
  }
  const segments = jws.split('.');
  if (segments.length !== 3) return refused('malformed', `a compact JWS has 3 segments, this has ${segments.length}`);
  const [encodedHeader = '', encodedPayload = '', signature = ''] = segments;
  if (signature.length === 0) return refused('malformed', 'the signature is empty (unsigned, alg none?)');
  if (!segments.every((segment) => SEGMENT.test(segment))) {
    return refused('malformed', 'a segment is not unpadded base64url');
  }

  const header = decodeJson(encodedHeader);
  if (!header.ok) return refused('malformed', `header: ${header.detail}`);
  const parsedHeader = PinConfigHeaderSchema.safeParse(header.value);
  if (!parsedHeader.success) return refused('malformed', `header: ${describeIssues(parsedHeader.error)}`);
  const { kid } = parsedHeader.data;

  const keySet = PinConfigKeySetSchema.safeParse(options.keys);
  if (!keySet.success) return refused('unknown-key', `the key set is not a pins JWKS: ${describeIssues(keySet.error)}`);
  if (!keySet.data.keys.some((key) => key.kid === kid)) {
    return refused('unknown-key', `no key of the key set has the kid the config names`);
  }
  let keys = keySets.get(options.keys);
  if (keys === undefined) {
    keys = createLocalJWKSet(keySet.data);
    keySets.set(options.keys, keys);
  }
  try {
    await compactVerify(jws, keys, { algorithms: ['ES256'] });
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return refused('bad-signature', 'the signature does not verify with the key its kid names');
    }
    return refused('unknown-key', `the key its kid names cannot verify it: ${errorName(error)}`);
  }

  const payload = decodeJson(encodedPayload);
  if (!payload.ok) return refused('malformed', `payload: ${payload.detail}`);
  const parsed = PinConfigSchema.safeParse(payload.value);
  if (!parsed.success) return refused('malformed', `payload: ${describeIssues(parsed.error)}`);
  const config = parsed.data;
  if (config.exp <= config.iat) return refused('malformed', 'payload: exp does not come after iat');

  if (config.tenant !== options.tenant || config.appId !== options.appId) {
    return refused('wrong-app', `the config is for another app (tenant ${config.tenant}, app ${config.appId})`);
  }
  const now = options.now ?? Date.now();
  if (options.acceptExpired !== true && config.exp * 1000 <= now) {
    return refused(
      'expired',
      `the config (version ${config.version}) expired at ${new Date(config.exp * 1000).toISOString()}`,
    );
  }
  if (options.newerThan !== undefined && config.version <= options.newerThan) {
    return refused('not-newer', `the config is version ${config.version}, not newer than ${options.newerThan}`);
  }
  return { ok: true, config };
}

type Decoded = { ok: true; value: unknown } | { ok: false; detail: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeJson(segment: string): Decoded {
  let text: string;
  try {
    text = utf8.decode(base64url.decode(segment));
  } catch {
    return { ok: false, detail: 'not base64url of UTF-8 text' };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, detail: 'not JSON' };
  }
}

function errorName(error: unknown): string {
  // WebCrypto's DOMException may come from another realm than Error: read its members, not its prototype.
  if (typeof error !== 'object' || error === null) return typeof error;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return `${typeof name === 'string' ? name : 'Error'}: ${typeof message === 'string' ? message : ''}`;
}

function refused(reason: PinConfigRefusal, detail: string): PinConfigVerification {
  const bounded = detail.length > MAX_DETAIL_LENGTH ? `${detail.slice(0, MAX_DETAIL_LENGTH)}…` : detail;
  return { ok: false, reason, detail: bounded };
}
