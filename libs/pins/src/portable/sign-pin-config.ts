import { MAX_PIN_CONFIG_LENGTH, PIN_CONFIG_TYPE, type PinConfig, PinConfigSchema } from '@tessera/contracts';
import { CompactSign, type CryptoKey, type KeyObject } from 'jose';
import { describeIssues } from './issues';

/** The key that signs an app's pin config, and the `kid` it has in the pins JWKS. */
export interface PinConfigSigningKey {
  privateKey: CryptoKey | KeyObject;
  kid: string;
}

/**
 * Signs a pin config: a compact JWS, protected header `{ alg: 'ES256', typ: PIN_CONFIG_TYPE, kid }`. Only jose (no
 * `node:` import), like its verifier. A config the contract refuses, or one too long to be accepted, is an error
 * here rather than a refusal on every device.
 */
export async function signPinConfig(config: PinConfig, key: PinConfigSigningKey): Promise<string> {
  const parsed = PinConfigSchema.safeParse(config);
  if (!parsed.success) throw new TypeError(`pin config invalid: ${describeIssues(parsed.error)}`);
  if (parsed.data.exp <= parsed.data.iat) throw new TypeError('pin config invalid: exp must come after iat');
  if (key.kid.length === 0) throw new TypeError('the pin config signing key needs a kid');
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(parsed.data)))
    .setProtectedHeader({ alg: 'ES256', typ: PIN_CONFIG_TYPE, kid: key.kid })
    .sign(key.privateKey);
  if (jws.length > MAX_PIN_CONFIG_LENGTH) {
    throw new TypeError(
      `the pin config is ${jws.length} characters signed, more than the ${MAX_PIN_CONFIG_LENGTH} accepted`,
    );
  }
  return jws;
}
