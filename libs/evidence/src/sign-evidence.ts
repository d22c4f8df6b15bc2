import {
  MAX_SDK_EVIDENCE_LENGTH,
  SDK_EVIDENCE_TYPE,
  SdkEvidencePayloadSchema,
  type SdkEvidencePayload,
} from '@tessera/contracts';
import { CompactSign, type CryptoKey, type JWK, type KeyObject } from 'jose';
import { EvidenceJwkSchema, installationPublicJwk } from './evidence-header';
import { describeIssues } from './issues';

/** The installation key: the private key signs, the public JWK goes into the header. */
export interface EvidenceSigningKey {
  privateKey: CryptoKey | KeyObject;
  publicJwk: JWK;
}

/**
 * Signs SDK evidence: a compact JWS, protected header `{ alg: 'ES256', typ: SDK_EVIDENCE_TYPE, jwk }` with the public
 * key's RFC 7638 members only. Only jose and WebCrypto here (no `node:` import): the SDK runs on React Native. A
 * payload the contract refuses is an error here rather than a refusal at the integrity service.
 */
export async function signSdkEvidence(payload: SdkEvidencePayload, key: EvidenceSigningKey): Promise<string> {
  const parsed = SdkEvidencePayloadSchema.safeParse(payload);
  if (!parsed.success) throw new TypeError(`SDK evidence payload invalid: ${describeIssues(parsed.error)}`);
  const jwk = EvidenceJwkSchema.safeParse(key.publicJwk);
  if (!jwk.success) {
    throw new TypeError(`the installation key must be a public EC P-256 JWK: ${describeIssues(jwk.error)}`);
  }
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(parsed.data)))
    .setProtectedHeader({ alg: 'ES256', typ: SDK_EVIDENCE_TYPE, jwk: installationPublicJwk(jwk.data) })
    .sign(key.privateKey);
  if (jws.length > MAX_SDK_EVIDENCE_LENGTH) {
    throw new TypeError(`SDK evidence is ${jws.length} characters, more than the ${MAX_SDK_EVIDENCE_LENGTH} accepted`);
  }
  return jws;
}
