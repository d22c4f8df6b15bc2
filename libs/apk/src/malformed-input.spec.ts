import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { readApkIdentity } from './read-apk-identity';

const FIXTURES = 'libs/apk/test-fixtures';

/** A ZIP with stored (uncompressed) entries, written out by hand so the tests need no ZIP writer. */
function storedZip(files: [string, string][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of files) {
    const data = Buffer.from(content);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(10, 4);
    central.writeUInt16LE(10, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(files.length, 8);
  eocd.writeUInt16LE(files.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

describe('readApkIdentity on malformed input', () => {
  it.each([
    ['an empty file', Buffer.alloc(0)],
    ['garbage', Buffer.from('this is not a zip archive at all, just text that goes on for a while')],
    ['a truncated APK', readFileSync(`${FIXTURES}/golden-aligned-v1v2v3-out.apk`).subarray(0, 6000)],
  ])('refuses %s as not-a-zip', async (_what, bytes) => {
    await expect(readApkIdentity(bytes)).resolves.toMatchObject({ ok: false, reason: 'not-a-zip' });
  });

  it('refuses a ZIP without AndroidManifest.xml', async () => {
    const zip = storedZip([
      ['classes.dex', 'dex'],
      ['META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\n'],
    ]);
    await expect(readApkIdentity(zip)).resolves.toMatchObject({ ok: false, reason: 'no-manifest' });
  });

  it('refuses a ZIP with two entries of the same name', async () => {
    const zip = storedZip([
      ['AndroidManifest.xml', 'a'],
      ['AndroidManifest.xml', 'b'],
    ]);
    await expect(readApkIdentity(zip)).resolves.toMatchObject({ ok: false, reason: 'duplicate-entry' });
  });

  it('refuses a ZIP whose AndroidManifest.xml is not binary XML', async () => {
    const zip = storedZip([['AndroidManifest.xml', '<manifest package="com.example.app"/>']]);
    await expect(readApkIdentity(zip)).resolves.toMatchObject({ ok: false, reason: 'manifest-invalid' });
  });

  it('reports a missing file as io-error', async () => {
    await expect(readApkIdentity(`${FIXTURES}/does-not-exist.apk`)).resolves.toMatchObject({
      ok: false,
      reason: 'io-error',
    });
  });

  it('never throws, whatever byte of a signed APK is corrupted', async () => {
    const original = readFileSync(`${FIXTURES}/v1v2v3-with-rsa-2048-lineage-3-signers.apk`);
    let accepted = 0;
    for (let at = 0; at < original.length; at += 97) {
      const bytes = Buffer.from(original);
      bytes[at] = (bytes[at] ?? 0) ^ 0x01;
      const result = await readApkIdentity(bytes);
      if (result.ok) {
        accepted += 1;
        // Only bytes no signature covers (e.g. inside the signing block's padding) may change and still pass,
        // and then the identity must be the genuine one.
        expect(result.signerCertSha256).toEqual(['bb77a72efc60e66501ab75953af735874f82cfe52a70d035186a01b3482180f3']);
      }
    }
    expect(accepted).toBeLessThan(Math.ceil(original.length / 97) / 4);
    // ~170 full verifications: a correctness sweep, not a speed check, so a loaded machine must not fail it.
  }, 60_000);
});
