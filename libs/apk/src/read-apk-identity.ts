import { BufferApkSource, FileApkSource, type ApkSource } from './apk-source';
import { computeChunkedDigests, type ContentDigestAlgorithm } from './chunked-digest';
import { type ManifestIdentity, readManifestIdentity } from './android-manifest';
import { ApkRefusal, refuse, type ApkRefusalCode } from './refusal';
import { readApkSigningBlock, V2_BLOCK_ID, V3_BLOCK_ID, type ApkSigningBlock } from './signing-block';
import { hasV1Signature, verifyV1 } from './v1-verifier';
import { currentV3Signer, verifySchemeSigners, type VerifiedSchemeSigner } from './v2v3-verifier';
import { ZipArchive } from './zip-archive';
import { locateZipLayout, type ZipLayout } from './zip-layout';

const ANDROID_MANIFEST = 'AndroidManifest.xml';
/** Android 7.0 (API 24) is the first to check v2; Android 9 (API 28) the first to check v3. */
const FIRST_SDK_WITH_V2 = 24;
const FIRST_SDK_WITH_V3 = 28;

export interface SignatureSchemes {
  v1: boolean;
  v2: boolean;
  v3: boolean;
}

/** The manifest's identity of the build, and who signed it. */
export interface ApkIdentity extends ManifestIdentity {
  ok: true;
  /** Lowercase hex SHA-256 of each signer's DER certificate; with v3, the current v3 signer only. */
  signerCertSha256: string[];
  /** v3 proof-of-rotation lineage, oldest first; null without one. */
  lineageCertSha256: string[] | null;
  schemesVerified: SignatureSchemes;
  schemesPresent: SignatureSchemes;
}

export interface ApkRejection {
  ok: false;
  reason: ApkRefusalCode;
  message: string;
}

/** A path (read with random access, never loaded whole), bytes in memory, or any random-access source. */
export type ApkInput = string | Buffer | ApkSource;

/**
 * Reads an APK's identity (package, version, SDK levels) and its verified signer certificates.
 * Never throws: anything wrong with the input is `{ ok: false, reason, message }`. Certificates are only ever
 * returned from signatures that verified, and only when every signature scheme present verified.
 */
export async function readApkIdentity(input: ApkInput): Promise<ApkIdentity | ApkRejection> {
  let source: ApkSource | null = null;
  const ownsSource = typeof input === 'string' || Buffer.isBuffer(input);
  try {
    source =
      typeof input === 'string'
        ? await FileApkSource.open(input)
        : Buffer.isBuffer(input)
          ? new BufferApkSource(input)
          : input;
    return await readFromSource(source);
  } catch (error) {
    return rejectionFor(error);
  } finally {
    if (source && ownsSource) await source.close().catch(() => undefined);
  }
}

async function readFromSource(source: ApkSource): Promise<ApkIdentity> {
  const layout = await locateZipLayout(source);
  const zip = await ZipArchive.open(source, layout.eocd.readUInt16LE(10));
  try {
    if (!zip.has(ANDROID_MANIFEST)) refuse('no-manifest', 'The archive has no AndroidManifest.xml');
    const manifest = readManifestIdentity(await zip.readWhole(ANDROID_MANIFEST));
    const block = await readApkSigningBlock(source, layout);
    const v2Block = block?.pairs.get(V2_BLOCK_ID);
    const v3Block = block?.pairs.get(V3_BLOCK_ID);
    const present: SignatureSchemes = { v1: hasV1Signature(zip), v2: v2Block !== undefined, v3: v3Block !== undefined };
    if (!present.v1 && !present.v2 && !present.v3) refuse('unsigned', 'The APK is not signed');

    // Highest scheme first, so the reason given is the one the newest platforms would hit. Every scheme present
    // must verify: a failing one is never skipped in favour of another.
    const v3Signers = v3Block && block ? await verifyScheme(3, v3Block, source, layout, block) : null;
    const v2Signers = v2Block && block ? await verifyScheme(2, v2Block, source, layout, block) : null;
    const v1 = present.v1 ? await verifyV1(zip) : null;

    if (v1?.declaredSchemes.has(2) && !present.v2) {
      refuse('v2-stripped', 'The JAR signature says the APK is signed with scheme v2, but there is no v2 signature');
    }
    const v3Declared = v1?.declaredSchemes.has(3) || v2Signers?.some((s) => s.alsoSignedWith.includes(3));
    if (v3Declared && !present.v3) {
      refuse('v3-stripped', 'An older signature says the APK is signed with scheme v3, but there is no v3 signature');
    }

    const v1Certs = v1?.signers.map((c) => c.sha256) ?? null;
    const v2Certs = v2Signers?.map((s) => firstCertificate(s)) ?? null;
    if (v1Certs && v2Certs && !sameSet(v1Certs, v2Certs)) {
      refuse('signer-mismatch', 'The v1 and v2 signatures are by different signers');
    }
    const current = v3Signers ? currentV3Signer(v3Signers) : null;
    const lineage = current?.lineage?.map((c) => c.sha256) ?? null;
    const pastCerts = v2Certs ?? v1Certs;
    if (current && pastCerts) {
      if (pastCerts.length !== 1) refuse('signer-mismatch', 'A v3-signed APK may have only one v1/v2 signer');
      const expectedPast = lineage ? lineage[0] : firstCertificate(current);
      if (pastCerts[0] !== expectedPast) {
        refuse('signer-mismatch', 'The v1/v2 signer is neither the v3 signer nor the root of its lineage');
      }
    }

    const minSdk = manifest.minSdkVersion ?? 1;
    if (minSdk < FIRST_SDK_WITH_V2 && !present.v1) {
      refuse('min-sdk-not-covered', `minSdkVersion ${minSdk} needs a v1 (JAR) signature, which is missing`);
    }
    if (minSdk < FIRST_SDK_WITH_V3 && !present.v1 && !present.v2) {
      refuse('min-sdk-not-covered', `minSdkVersion ${minSdk} needs a v1 or v2 signature; there is only v3`);
    }

    const signerCertSha256 = current ? [firstCertificate(current)] : (v2Certs ?? v1Certs ?? []);
    return {
      ok: true,
      ...manifest,
      signerCertSha256,
      lineageCertSha256: lineage,
      schemesVerified: { v1: v1 !== null, v2: v2Signers !== null, v3: v3Signers !== null },
      schemesPresent: present,
    };
  } finally {
    zip.close();
  }
}

/** Verifies the signers of a v2/v3 block, then the content digests they sign, streamed from the source. */
async function verifyScheme(
  version: 2 | 3,
  value: Buffer,
  source: ApkSource,
  layout: ZipLayout,
  block: ApkSigningBlock,
): Promise<VerifiedSchemeSigner[]> {
  const signers = verifySchemeSigners(version, value);
  const algorithms = [...new Set(signers.flatMap((s) => s.expectedDigests.map((d) => d.algorithm)))];
  const actual = await computeContentDigests(source, layout, block, algorithms);
  signers.forEach((signer, index) => {
    for (const expected of signer.expectedDigests) {
      if (!actual.get(expected.algorithm)?.equals(expected.digest)) {
        refuse(
          'content-digest-mismatch',
          `v${version} signer #${index + 1}: the APK's content does not match its ${expected.signatureAlgorithm} digest`,
        );
      }
    }
  });
  return signers;
}

function computeContentDigests(
  source: ApkSource,
  layout: ZipLayout,
  block: ApkSigningBlock,
  algorithms: ContentDigestAlgorithm[],
): Promise<Map<ContentDigestAlgorithm, Buffer>> {
  // The EOCD is digested as if the central directory started where the signing block does.
  const eocd = Buffer.from(layout.eocd);
  eocd.writeUInt32LE(block.offset, 16);
  return computeChunkedDigests(
    source,
    [
      { offset: 0, length: block.offset },
      { offset: layout.centralDirectoryOffset, length: layout.centralDirectorySize },
      { bytes: eocd },
    ],
    algorithms,
  );
}

function firstCertificate(signer: VerifiedSchemeSigner): string {
  const first = signer.certificates[0];
  return first ? first.sha256 : refuse('signer-certificate-invalid', 'Signer without a certificate');
}

function sameSet(a: string[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

function rejectionFor(error: unknown): ApkRejection {
  if (error instanceof ApkRefusal) return { ok: false, reason: error.code, message: error.message };
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string') return { ok: false, reason: 'io-error', message: `Cannot read the APK: ${detail}` };
  // A library choking on crafted input: still a refusal of the input, not a crash of the caller.
  return { ok: false, reason: 'malformed-apk', message: `Malformed APK: ${detail}` };
}
