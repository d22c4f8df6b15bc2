import { createHash, type Hash } from 'node:crypto';
import type { SignerCertificate } from './certificate';
import { digestsIn, parseJarManifest, type JarDigestAlgorithm, type ManifestSection } from './jar-manifest';
import { verifyPkcs7Signature } from './pkcs7-signature';
import { refuse } from './refusal';
import type { ZipArchive } from './zip-archive';

const MANIFEST_NAME = 'META-INF/MANIFEST.MF';
const SIGNATURE_BLOCK = /^META-INF\/([^/]+)\.(RSA|DSA|EC)$/i;

export interface V1Result {
  /** One certificate per signer, in signature-file name order. */
  signers: SignerCertificate[];
  /** Scheme IDs listed in `X-Android-APK-Signed` by the signers (2, 3): their absence means stripping. */
  declaredSchemes: Set<number>;
}

/** A JAR signature is present when META-INF holds a signature file or a signature block. */
export function hasV1Signature(zip: ZipArchive): boolean {
  return zip.entries.some((entry) => SIGNATURE_BLOCK.test(entry.name) || /^META-INF\/[^/]+\.SF$/i.test(entry.name));
}

/**
 * JAR signature verification as Android does it for APKs:
 * every signature block verifies over its .SF; each .SF matches MANIFEST.MF (whole-manifest digest, or main
 * attributes plus each named section); every entry outside the signature files is named in the manifest and
 * in every .SF, and its content matches every manifest digest we understand (SHA-1, SHA-256, ...).
 */
export async function verifyV1(zip: ZipArchive): Promise<V1Result> {
  if (!zip.has(MANIFEST_NAME)) refuse('v1-manifest-invalid', `JAR signature without ${MANIFEST_NAME}`);
  const manifestBytes = await zip.readWhole(MANIFEST_NAME);
  const manifest = parseJarManifest(manifestBytes, MANIFEST_NAME);

  const blockNames = zip.entries
    .map((entry) => entry.name)
    .filter((name) => SIGNATURE_BLOCK.test(name))
    .sort();
  if (blockNames.length === 0) refuse('v1-signature-invalid', 'Signature file without a signature block');

  const signers: SignerCertificate[] = [];
  const signedEntryNames: Set<string>[] = [];
  const declaredSchemes = new Set<number>();
  for (const blockName of blockNames) {
    const sfName = blockName.replace(/\.[^.]+$/, '.SF');
    if (!zip.has(sfName)) refuse('v1-signature-invalid', `${blockName} has no ${sfName}`);
    const sfBytes = await zip.readWhole(sfName);
    signers.push(verifyPkcs7Signature(await zip.readWhole(blockName), sfBytes, blockName));

    // The .SF is now authenticated; check that it vouches for this manifest.
    const sf = parseJarManifest(sfBytes, sfName);
    for (const id of (sf.main.attributes.get('x-android-apk-signed') ?? '').split(',')) {
      const scheme = Number.parseInt(id.trim(), 10);
      if (Number.isInteger(scheme)) declaredSchemes.add(scheme);
    }
    verifySignatureFileAgainstManifest(sf.main, sf.entries, manifest.main, manifestBytes, manifest.entries, sfName);
    signedEntryNames.push(new Set(sf.entries.keys()));
  }

  for (const name of manifest.entries.keys()) {
    if (!zip.has(name)) refuse('v1-manifest-invalid', `${MANIFEST_NAME} names ${name}, which is not in the APK`);
  }
  for (const entry of zip.entries) {
    if (entry.isDirectory || isSignatureRelated(entry.name)) continue;
    const section = manifest.entries.get(entry.name);
    if (!section) refuse('v1-entry-not-signed', `${entry.name} is not in ${MANIFEST_NAME}`);
    if (signedEntryNames.some((names) => !names.has(entry.name))) {
      refuse('v1-entry-not-signed', `${entry.name} is not covered by every signer`);
    }
    await verifyEntryDigests(zip, entry.name, section);
  }
  return { signers, declaredSchemes };
}

function isSignatureRelated(name: string): boolean {
  if (name.toUpperCase() === MANIFEST_NAME) return true;
  const match = /^META-INF\/([^/]+)$/i.exec(name);
  if (!match?.[1]) return false;
  const file = match[1].toUpperCase();
  return /\.(SF|RSA|DSA|EC)$/.test(file) || file.startsWith('SIG-');
}

function verifySignatureFileAgainstManifest(
  sfMain: ManifestSection,
  sfEntries: Map<string, ManifestSection>,
  manifestMain: ManifestSection,
  manifestBytes: Buffer,
  manifestEntries: Map<string, ManifestSection>,
  sfName: string,
): void {
  const wholeDigests = digestsIn(sfMain, '-digest-manifest');
  if (wholeDigests.length > 0 && wholeDigests.every((d) => matches(d, manifestBytes))) return;

  // Whole-manifest digest absent or stale (entries appended later): fall back to per-section digests.
  for (const digest of digestsIn(sfMain, '-digest-manifest-main-attributes')) {
    if (!matches(digest, manifestMain.raw)) {
      refuse('v1-digest-mismatch', `${sfName}: digest of the manifest main attributes does not match`);
    }
  }
  for (const [name, sfSection] of sfEntries) {
    const manifestSection = manifestEntries.get(name);
    if (!manifestSection) refuse('v1-manifest-invalid', `${sfName} names ${name}, which is not in the manifest`);
    const digests = digestsIn(sfSection, '-digest');
    if (digests.length === 0) refuse('v1-manifest-invalid', `${sfName}: no supported digest for ${name}`);
    for (const digest of digests) {
      if (!matches(digest, manifestSection.raw)) {
        refuse('v1-digest-mismatch', `${sfName}: digest of the manifest section for ${name} does not match`);
      }
    }
  }
}

function matches(digest: { algorithm: JarDigestAlgorithm; base64: string }, bytes: Buffer): boolean {
  return createHash(digest.algorithm).update(bytes).digest('base64') === digest.base64;
}

async function verifyEntryDigests(zip: ZipArchive, name: string, section: ManifestSection): Promise<void> {
  const digests = digestsIn(section, '-digest');
  if (digests.length === 0) refuse('v1-manifest-invalid', `${MANIFEST_NAME}: no supported digest for ${name}`);
  const hashes: Hash[] = digests.map((d) => createHash(d.algorithm));
  await zip.stream(name, (piece) => {
    for (const hash of hashes) hash.update(piece);
  });
  digests.forEach((digest, i) => {
    if (hashes[i]?.digest('base64') !== digest.base64) {
      refuse(
        'v1-digest-mismatch',
        `${digest.algorithm.toUpperCase()} digest of ${name} does not match ${MANIFEST_NAME}`,
      );
    }
  });
}
