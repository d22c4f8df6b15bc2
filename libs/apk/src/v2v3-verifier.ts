import { createPublicKey } from 'node:crypto';
import { ByteReader } from './byte-reader';
import { parseCertificate, type SignerCertificate } from './certificate';
import type { ContentDigestAlgorithm } from './chunked-digest';
import { PROOF_OF_ROTATION_ATTR_ID, readLineage } from './lineage';
import { refuse } from './refusal';
import { findSigningAlgorithm, verifyWithAlgorithm, type SigningAlgorithm } from './signature-algorithms';

export type SignatureSchemeVersion = 2 | 3;

/** v2 signed-data attribute: "this APK is also signed with scheme N", guarding against stripping v3. */
const STRIPPING_PROTECTION_ATTR_ID = 0xbeeff00d;

export interface ExpectedContentDigest {
  algorithm: ContentDigestAlgorithm;
  digest: Buffer;
  signatureAlgorithm: string;
}

/** A signer whose signature over its signed data verified; its content digests still have to be checked. */
export interface VerifiedSchemeSigner {
  certificates: SignerCertificate[];
  expectedDigests: ExpectedContentDigest[];
  /** v3 only: the platform range this signer is for. */
  minSdk: number | null;
  maxSdk: number | null;
  /** v3 only: proof-of-rotation lineage, oldest first, verified link by link. */
  lineage: SignerCertificate[] | null;
  /** v2 only: scheme IDs the signer says are also present (stripping protection). */
  alsoSignedWith: number[];
}

/**
 * Parses a v2 (0x7109871a) or v3 (0xf05368c0) block and verifies each signer's signature over its signed data
 * before trusting anything inside it. Layout of a signer (all length-prefixed, little endian):
 *   signed data { digests, certificates, [v3: uint32 minSdk, uint32 maxSdk], additional attributes },
 *   [v3: uint32 minSdk, uint32 maxSdk], signatures { uint32 algorithm, signature }, public key (SPKI).
 */
export function verifySchemeSigners(version: SignatureSchemeVersion, block: Buffer): VerifiedSchemeSigner[] {
  const signerBlobs = new ByteReader(block).sequence();
  if (signerBlobs.length === 0) refuse('malformed-signing-block', `No signers in the v${version} block`);
  return signerBlobs.map((blob, index) => verifySigner(version, blob, `v${version} signer #${index + 1}`));
}

function verifySigner(version: SignatureSchemeVersion, blob: Buffer, who: string): VerifiedSchemeSigner {
  const reader = new ByteReader(blob);
  const signedData = reader.lengthPrefixed();
  const outerSdk = version === 3 ? { min: reader.uint32(), max: reader.uint32() } : null;
  const signatureRecords = reader.sequence().map((record) => {
    const r = new ByteReader(record);
    return { algorithmId: r.uint32(), signature: r.lengthPrefixed() };
  });
  const publicKeyBytes = reader.lengthPrefixed();
  if (signatureRecords.length === 0) refuse('malformed-signing-block', `${who}: no signatures`);

  const supported: { algorithm: SigningAlgorithm; signature: Buffer }[] = [];
  for (const record of signatureRecords) {
    const algorithm = findSigningAlgorithm(record.algorithmId);
    if (algorithm?.contentDigest) supported.push({ algorithm, signature: record.signature });
  }
  if (supported.length === 0) {
    const ids = signatureRecords.map((r) => `0x${r.algorithmId.toString(16)}`).join(', ');
    refuse('unsupported-algorithm', `${who}: no supported signature algorithm (found ${ids})`);
  }

  let publicKey;
  try {
    publicKey = createPublicKey({ key: publicKeyBytes, format: 'der', type: 'spki' });
  } catch {
    return refuse('malformed-signing-block', `${who}: malformed public key`);
  }
  // Every signature we can check must hold: an attacker must not get to pick the weakest one.
  for (const { algorithm, signature } of supported) {
    if (!verifyWithAlgorithm(algorithm, publicKey, signedData, signature)) {
      refuse('signed-data-signature-invalid', `${who}: ${algorithm.name} signature over signed-data did not verify`);
    }
  }

  // From here on the signed data is authenticated by the key in the record; tie that key to the certificate.
  const data = new ByteReader(signedData);
  const digestRecords = data.sequence().map((record) => {
    const r = new ByteReader(record);
    return { algorithmId: r.uint32(), digest: r.lengthPrefixed() };
  });
  const certificateBlobs = data.sequence();
  const signedSdk = version === 3 ? { min: data.uint32(), max: data.uint32() } : null;
  const attributes = data.sequence().map((record) => {
    const r = new ByteReader(record);
    return { id: r.uint32(), value: r.bytesOf(r.remaining) };
  });

  if (certificateBlobs.length === 0) refuse('signer-certificate-invalid', `${who}: no certificates`);
  const certificates = certificateBlobs.map((der, i) =>
    parseCertificate(Buffer.from(der), `${who} certificate #${i + 1}`),
  );
  const first = certificates[0];
  if (!first?.spki.equals(publicKeyBytes)) {
    refuse('public-key-mismatch', `${who}: public key does not match the first certificate`);
  }

  const signatureIds = signatureRecords.map((r) => r.algorithmId);
  const digestIds = digestRecords.map((r) => r.algorithmId);
  if (signatureIds.length !== digestIds.length || signatureIds.some((id, i) => id !== digestIds[i])) {
    refuse('malformed-signing-block', `${who}: signature and digest records name different algorithms`);
  }
  const expectedDigests = supported.map(({ algorithm }) => {
    const record = digestRecords.find((r) => r.algorithmId === algorithm.id);
    if (!record || !algorithm.contentDigest) return refuse('malformed-signing-block', `${who}: missing digest`);
    return {
      algorithm: algorithm.contentDigest,
      digest: Buffer.from(record.digest),
      signatureAlgorithm: algorithm.name,
    };
  });

  if (outerSdk && signedSdk && (outerSdk.min !== signedSdk.min || outerSdk.max !== signedSdk.max)) {
    refuse('malformed-signing-block', `${who}: SDK range differs between signed data and signer record`);
  }
  if (signedSdk && signedSdk.min > signedSdk.max) {
    refuse('malformed-signing-block', `${who}: invalid SDK range ${signedSdk.min}..${signedSdk.max}`);
  }

  let lineage: SignerCertificate[] | null = null;
  const alsoSignedWith: number[] = [];
  for (const attribute of attributes) {
    if (version === 3 && attribute.id === PROOF_OF_ROTATION_ATTR_ID) {
      lineage = readLineage(Buffer.from(attribute.value));
      if (lineage.at(-1)?.sha256 !== first.sha256) {
        refuse('lineage-invalid', `${who}: the newest lineage certificate is not the signer's certificate`);
      }
    } else if (version === 2 && attribute.id === STRIPPING_PROTECTION_ATTR_ID && attribute.value.length >= 4) {
      alsoSignedWith.push(attribute.value.readUInt32LE(0));
    }
  }
  return {
    certificates,
    expectedDigests,
    minSdk: signedSdk?.min ?? null,
    maxSdk: signedSdk?.max ?? null,
    lineage,
    alsoSignedWith,
  };
}

/**
 * The v3 signer the newest platforms use (highest maxSdk). Signers must cover disjoint SDK ranges, as the
 * platform refuses two v3 signers for one version.
 */
export function currentV3Signer(signers: VerifiedSchemeSigner[]): VerifiedSchemeSigner {
  const sorted = [...signers].sort((a, b) => (a.minSdk ?? 0) - (b.minSdk ?? 0));
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1];
    const next = sorted[i];
    if (previous && next && (next.minSdk ?? 0) <= (previous.maxSdk ?? 0)) {
      refuse('malformed-signing-block', 'Several v3 signers claim the same platform version');
    }
  }
  const current = sorted.at(-1);
  if (!current) return refuse('malformed-signing-block', 'No v3 signers');
  return current;
}
