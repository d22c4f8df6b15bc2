import { installationIdOf, installationPublicJwk, type InstallationPublicJwk } from '@tessera/evidence';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK } from 'jose';
import { z } from 'zod';
import { TesseraError } from './errors';

const Base64Url32Schema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected 32 bytes as unpadded base64url');

/** The installation key as a store keeps it: its private JWK (EC P-256, `d` and the public `x`, `y`). */
export const StoredInstallationKeySchema = z.object({
  privateJwk: z.object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: Base64Url32Schema,
    y: Base64Url32Schema,
    d: Base64Url32Schema,
  }),
});
export type StoredInstallationKey = z.output<typeof StoredInstallationKeySchema>;

/**
 * Where the installation key lives between runs of the app. On a phone: the platform's protected storage (Keychain,
 * EncryptedSharedPreferences); in Node: FileInstallationKeyStore (`@tessera/sdk/node`); in tests:
 * MemoryInstallationKeyStore. `clear()` forgets the key: the next client makes a new one, a new installation id.
 */
export interface InstallationKeyStore {
  load(): Promise<StoredInstallationKey | undefined>;
  save(key: StoredInstallationKey): Promise<void>;
  clear(): Promise<void>;
}

/** The installation key in use: it signs the evidence; its thumbprint is the installation id. */
export interface InstallationKey {
  privateKey: CryptoKey;
  publicJwk: InstallationPublicJwk;
  installationId: string;
}

/** The store's key, or a new one (made once per installation, then saved). */
export async function loadOrCreateInstallationKey(store: InstallationKeyStore): Promise<InstallationKey> {
  const stored = await storeCall('load', () => store.load());
  if (stored !== undefined) return fromStored(stored);
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y, d } = await exportJWK(privateKey);
  const created = StoredInstallationKeySchema.parse({ privateJwk: { kty, crv, x, y, d } });
  await storeCall('save', () => store.save(created));
  return fromStored(created);
}

async function fromStored(stored: unknown): Promise<InstallationKey> {
  // A store that holds something else is not silently replaced by a new key: that would be a new installation id.
  const parsed = StoredInstallationKeySchema.safeParse(stored);
  if (!parsed.success) {
    throw new TesseraError('key-store', 'the key store holds no valid installation key (clear() it to start anew)');
  }
  let privateKey: CryptoKey;
  try {
    privateKey = await importJWK(parsed.data.privateJwk, 'ES256', { extractable: false });
  } catch (cause) {
    throw new TesseraError('key-store', 'the stored installation key is not a usable P-256 key', { cause });
  }
  const publicJwk = installationPublicJwk(parsed.data.privateJwk);
  return { privateKey, publicJwk, installationId: await installationIdOf(publicJwk) };
}

async function storeCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    throw new TesseraError('key-store', `the installation key store failed to ${operation}`, { cause });
  }
}
