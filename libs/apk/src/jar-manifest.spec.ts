import { createHash } from 'node:crypto';
import { digestsIn, parseJarManifest } from './jar-manifest';
import { ApkRefusal } from './refusal';

describe('JAR manifest parsing', () => {
  const text =
    'Manifest-Version: 1.0\r\nCreated-By: test\r\n\r\n' +
    'Name: res/a-very-long-name-that-the-jar-format-wraps-onto-a-continuation-li\r\n ne.xml\r\nSHA-256-Digest: abc=\r\n\r\n' +
    'Name: classes.dex\nSHA1-Digest: def=\n';
  const parsed = parseJarManifest(Buffer.from(text), 'MANIFEST.MF');

  it('splits sections and joins continuation lines', () => {
    expect(parsed.main.attributes.get('manifest-version')).toBe('1.0');
    expect([...parsed.entries.keys()]).toEqual([
      'res/a-very-long-name-that-the-jar-format-wraps-onto-a-continuation-line.xml',
      'classes.dex',
    ]);
  });

  it('keeps each section’s exact bytes, blank line included, for per-section digests', () => {
    expect(parsed.main.raw.toString()).toBe('Manifest-Version: 1.0\r\nCreated-By: test\r\n\r\n');
    expect(parsed.entries.get('classes.dex')?.raw.toString()).toBe('Name: classes.dex\nSHA1-Digest: def=\n');
  });

  it('reads the digests it understands, whatever the attribute case', () => {
    const dex = parsed.entries.get('classes.dex');
    expect(dex && digestsIn(dex, '-digest')).toEqual([{ algorithm: 'sha1', base64: 'def=' }]);
    const sf = parseJarManifest(
      Buffer.from(`Signature-Version: 1.0\nsha-256-digest-MANIFEST: ${createHash('sha256').digest('base64')}\n\n`),
      'X.SF',
    );
    expect(digestsIn(sf.main, '-digest-manifest').map((d) => d.algorithm)).toEqual(['sha256']);
  });

  it('refuses duplicate sections and malformed lines', () => {
    expect(() => parseJarManifest(Buffer.from('M: 1\n\nName: a\n\nName: a\n'), 'M')).toThrow(ApkRefusal);
    expect(() => parseJarManifest(Buffer.from('M: 1\n\nno colon here\n'), 'M')).toThrow(ApkRefusal);
    expect(() => parseJarManifest(Buffer.from(' continuation first\n'), 'M')).toThrow(ApkRefusal);
  });
});
