import { NO_DEVICE_SIGNALS, type SdkEvidencePayload } from '@tessera/contracts';
import { exportJWK, generateKeyPair } from 'jose';
import type { EvidenceSigningKey } from '../sign-evidence';

/** A fresh installation key, as the SDK makes one. */
export async function installationKey(): Promise<EvidenceSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, publicJwk: await exportJWK(publicKey) };
}

/** A payload the contract accepts: a genuine Android build on a clean device. */
export function evidencePayload(extra: Partial<SdkEvidencePayload> = {}): SdkEvidencePayload {
  return {
    tenant: 'acme',
    appId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
    nonce: 'n0nce-n0nce-n0nce-n0nce-n0nce-n0nce-n0nce-n',
    iat: 1_796_000_000,
    app: {
      platform: 'android',
      packageName: 'com.example.bank',
      signingCertificateSha256: ['a'.repeat(64)],
      versionCode: 42,
    },
    device: {
      signals: { ...NO_DEVICE_SIGNALS },
      sdkVersion: '0.1.0',
      os: { name: 'android', version: '14' },
    },
    ...extra,
  };
}
