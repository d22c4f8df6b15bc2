import { readFileSync, readdirSync } from 'node:fs';
import { BufferApkSource, type ApkSource } from './apk-source';
import { readApkIdentity } from './read-apk-identity';

const FIXTURES = 'libs/apk/test-fixtures';

interface Vector {
  file: string;
  expected: 'accept' | 'reject';
  packageName: string;
  versionCode: number | null;
  versionName: string | null;
  versionCodeMajor: number | null;
  longVersionCode?: number | null;
  minSdkVersion: number | null;
  targetSdkVersion: number | null;
  signerCertSha256: string[];
  lineageCertSha256: string[] | null;
  schemesPresent: { v1: boolean; v2: boolean; v3: boolean };
  untrustedCertSha256InFile?: string[];
}

const vectors = (JSON.parse(readFileSync(`${FIXTURES}/expected.json`, 'utf8')) as { vectors: Vector[] }).vectors;

/** Our refusal code for each rejected vector (expected.json gives apksigner's message). */
const REASONS: Record<string, string> = {
  'golden-aligned-in.apk': 'unsigned',
  'tampered-content-golden-aligned-v1v2v3-out.apk': 'content-digest-mismatch',
  'v1-sha1-sha256-manifest-and-sf-with-sha256-wrong-in-manifest.apk': 'v1-digest-mismatch',
  'v1v2v3-with-rsa-2048-lineage-3-signers-invalid-lineage-attr.apk': 'signed-data-signature-invalid',
  'v2-stripped.apk': 'v2-stripped',
};

const json = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

describe('readApkIdentity on the apksig vectors', () => {
  it('has a test for every fixture APK', () => {
    const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.apk'));
    expect(files.sort()).toEqual(vectors.map((v) => v.file).sort());
    expect(
      vectors
        .filter((v) => v.expected === 'reject')
        .map((v) => v.file)
        .sort(),
    ).toEqual(Object.keys(REASONS).sort());
  });

  describe.each(vectors.filter((v) => v.expected === 'accept'))('accepts $file', (vector) => {
    it('with exactly the expected identity and signers', async () => {
      const result = await readApkIdentity(`${FIXTURES}/${vector.file}`);
      if (!result.ok) throw new Error(`refused: ${result.reason}: ${result.message}`);
      expect(result.packageName).toBe(vector.packageName);
      expect(result.versionCode).toBe(vector.versionCode ?? 0);
      expect(result.versionCodeMajor).toBe(vector.versionCodeMajor ?? 0);
      expect(result.longVersionCode).toBe(BigInt(vector.longVersionCode ?? vector.versionCode ?? 0));
      expect(result.versionName).toBe(vector.versionName);
      expect(result.minSdkVersion).toBe(vector.minSdkVersion);
      expect(result.targetSdkVersion).toBe(vector.targetSdkVersion);
      expect(result.signerCertSha256).toEqual(vector.signerCertSha256);
      expect(result.lineageCertSha256).toEqual(vector.lineageCertSha256);
      expect(result.schemesPresent).toEqual(vector.schemesPresent);
      // Every scheme present was verified (we never accept past a failing one).
      expect(result.schemesVerified).toEqual(vector.schemesPresent);
    });
  });

  describe.each(vectors.filter((v) => v.expected === 'reject'))('rejects $file', (vector) => {
    it('with the expected reason and none of the certificates in the file', async () => {
      const result = await readApkIdentity(`${FIXTURES}/${vector.file}`);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.reason).toBe(REASONS[vector.file]);
      expect(result.message.length).toBeGreaterThan(10);
      for (const untrusted of vector.untrustedCertSha256InFile ?? []) expect(json(result)).not.toContain(untrusted);
    });
  });

  it('reads the same identity from bytes in memory and from a caller-supplied random-access source', async () => {
    const bytes = readFileSync(`${FIXTURES}/v1v2v3-with-rsa-2048-lineage-3-signers.apk`);
    const fromPath = await readApkIdentity(`${FIXTURES}/v1v2v3-with-rsa-2048-lineage-3-signers.apk`);
    const fromBuffer = await readApkIdentity(bytes);
    const reads: number[] = [];
    const inner = new BufferApkSource(bytes);
    const source: ApkSource = {
      size: inner.size,
      read: (offset, length) => {
        reads.push(length);
        return inner.read(offset, length);
      },
      close: () => Promise.resolve(),
    };
    const fromSource = await readApkIdentity(source);
    expect(fromPath.ok).toBe(true);
    expect(json(fromBuffer)).toBe(json(fromPath));
    expect(json(fromSource)).toBe(json(fromPath));
    expect(reads.length).toBeGreaterThan(0);
  });

  it('refuses an APK whose v3 block was removed although v1 and v2 still verify (v3-stripped)', async () => {
    // Rename the v3 block's ID in place: the signing block keeps its size and offset, so v1 and v2 still
    // verify, but the .SF ("X-Android-APK-Signed: 2, 3") and v2's stripping-protection attribute name v3.
    const bytes = Buffer.from(readFileSync(`${FIXTURES}/golden-aligned-v1v2v3-out.apk`));
    const magic = bytes.indexOf('APK Sig Block 42');
    const v3Id = Buffer.from([0xc0, 0x68, 0x53, 0xf0]);
    const at = bytes.lastIndexOf(v3Id, magic);
    expect(at).toBeGreaterThan(0);
    bytes.writeUInt32LE(0x12345678, at);
    const result = await readApkIdentity(bytes);
    expect(result).toMatchObject({ ok: false, reason: 'v3-stripped' });
  });
});
