import { readManifestIdentity } from './android-manifest';
import { parseAxml } from './axml';
import { ApkRefusal } from './refusal';

/** A minimal AXML encoder for tests: string pool, resource map, nested elements with typed attributes. */
type Attr = { name: string; ns?: string; resId?: number; type: number; value: number | string };
type Element = { name: string; attrs: Attr[]; children?: Element[] };

const ANDROID_NS = 'http://schemas.android.com/apk/res/android';
const STRING = 0x03;
const INT_DEC = 0x10;

function chunk(type: number, headerSize: number, header: Buffer, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(type, 0);
  head.writeUInt16LE(headerSize, 2);
  head.writeUInt32LE(8 + header.length + body.length, 4);
  return Buffer.concat([head, header, body]);
}

function encodeAxml(root: Element, utf8: boolean): Buffer {
  // Attributes with resource IDs must come first in the pool so the resource map lines up with them.
  const withIds: string[] = [];
  const others: string[] = [];
  const visit = (e: Element): void => {
    for (const a of e.attrs) {
      if (a.resId !== undefined) withIds.push(a.name);
      else others.push(a.name);
      if (a.ns) others.push(a.ns);
      if (typeof a.value === 'string') others.push(a.value);
    }
    others.push(e.name);
    e.children?.forEach(visit);
  };
  visit(root);
  const pool = [...new Set(withIds), ...new Set(others.filter((s) => !withIds.includes(s)))];
  const index = (s: string): number => pool.indexOf(s);
  const ids: number[] = [];
  const collectIds = (e: Element): void => {
    for (const a of e.attrs) if (a.resId !== undefined) ids[index(a.name)] = a.resId;
    e.children?.forEach(collectIds);
  };
  collectIds(root);

  const encoded = pool.map((s) => {
    if (utf8) {
      const bytes = Buffer.from(s, 'utf8');
      return Buffer.concat([Buffer.from([s.length, bytes.length]), bytes, Buffer.from([0])]);
    }
    const len = Buffer.alloc(2);
    len.writeUInt16LE(s.length);
    return Buffer.concat([len, Buffer.from(s, 'utf16le'), Buffer.alloc(2)]);
  });
  const offsets = Buffer.alloc(pool.length * 4);
  let at = 0;
  encoded.forEach((e, i) => {
    offsets.writeUInt32LE(at, i * 4);
    at += e.length;
  });
  let strings = Buffer.concat(encoded);
  strings = Buffer.concat([strings, Buffer.alloc((4 - (strings.length % 4)) % 4)]);
  const poolHeader = Buffer.alloc(20);
  poolHeader.writeUInt32LE(pool.length, 0);
  poolHeader.writeUInt32LE(utf8 ? 0x100 : 0, 8);
  poolHeader.writeUInt32LE(28 + offsets.length, 12);
  const stringPool = chunk(0x0001, 28, poolHeader, Buffer.concat([offsets, strings]));

  const map = Buffer.alloc(ids.length * 4);
  ids.forEach((id, i) => map.writeUInt32LE(id, i * 4));
  const resourceMap = chunk(0x0180, 8, Buffer.alloc(0), map);

  const nodeHeader = Buffer.alloc(8, 0xff);
  nodeHeader.writeUInt32LE(1, 0);
  const elements: Buffer[] = [];
  const emit = (e: Element): void => {
    const body = Buffer.alloc(20 + e.attrs.length * 20);
    body.writeUInt32LE(0xffffffff, 0);
    body.writeUInt32LE(index(e.name), 4);
    body.writeUInt16LE(20, 8);
    body.writeUInt16LE(20, 10);
    body.writeUInt16LE(e.attrs.length, 12);
    e.attrs.forEach((a, i) => {
      const o = 20 + i * 20;
      body.writeUInt32LE(a.ns ? index(a.ns) : 0xffffffff, o);
      body.writeUInt32LE(index(a.name), o + 4);
      body.writeUInt32LE(typeof a.value === 'string' ? index(a.value) : 0xffffffff, o + 8);
      body.writeUInt16LE(8, o + 12);
      body.writeUInt8(a.type, o + 15);
      body.writeUInt32LE(typeof a.value === 'string' ? index(a.value) : a.value >>> 0, o + 16);
    });
    elements.push(chunk(0x0102, 16, nodeHeader, body));
    e.children?.forEach(emit);
    const end = Buffer.alloc(8);
    end.writeUInt32LE(0xffffffff, 0);
    end.writeUInt32LE(index(e.name), 4);
    elements.push(chunk(0x0103, 16, nodeHeader, end));
  };
  emit(root);
  return chunk(0x0003, 8, Buffer.alloc(0), Buffer.concat([stringPool, resourceMap, ...elements]));
}

const manifest = (attrs: Attr[], sdk: Attr[] = []): Element => ({
  name: 'manifest',
  attrs: [{ name: 'package', type: STRING, value: 'com.example.app' }, ...attrs],
  children: [
    { name: 'application', attrs: [] },
    { name: 'uses-sdk', attrs: sdk },
  ],
});

describe('Android binary XML', () => {
  it.each([true, false])('parses elements, attributes and resource IDs (UTF-8 pool: %s)', (utf8) => {
    const root = parseAxml(
      encodeAxml(
        manifest([{ name: 'versionCode', ns: ANDROID_NS, resId: 0x0101021b, type: INT_DEC, value: 42 }]),
        utf8,
      ),
    );
    expect(root.name).toBe('manifest');
    expect(root.children.map((c) => c.name)).toEqual(['application', 'uses-sdk']);
    expect(root.attributes).toEqual([
      expect.objectContaining({ name: 'package', namespace: null, resourceId: null, stringValue: 'com.example.app' }),
      expect.objectContaining({ name: 'versionCode', namespace: ANDROID_NS, resourceId: 0x0101021b, data: 42 }),
    ]);
  });

  it('reads the identity by attribute resource ID, with versionCodeMajor and SDK levels', () => {
    const identity = readManifestIdentity(
      encodeAxml(
        manifest(
          [
            // Obfuscated names: only the resource IDs say what these are.
            { name: 'a', ns: ANDROID_NS, resId: 0x0101021b, type: INT_DEC, value: 25 },
            { name: 'b', ns: ANDROID_NS, resId: 0x01010576, type: INT_DEC, value: 1 },
            { name: 'c', ns: ANDROID_NS, resId: 0x0101021c, type: STRING, value: '2.5-beta' },
          ],
          [
            { name: 'minSdkVersion', ns: ANDROID_NS, resId: 0x0101020c, type: INT_DEC, value: 21 },
            { name: 'targetSdkVersion', ns: ANDROID_NS, resId: 0x01010270, type: STRING, value: 'Tiramisu' },
          ],
        ),
        true,
      ),
    );
    expect(identity).toEqual({
      packageName: 'com.example.app',
      versionCode: 25,
      versionCodeMajor: 1,
      longVersionCode: 4294967321n,
      versionName: '2.5-beta',
      minSdkVersion: 21,
      targetSdkVersion: 10000,
    });
  });

  it('defaults what the manifest leaves out', () => {
    expect(readManifestIdentity(encodeAxml(manifest([]), false))).toMatchObject({
      versionCode: 0,
      versionCodeMajor: 0,
      longVersionCode: 0n,
      versionName: null,
      minSdkVersion: null,
      targetSdkVersion: null,
    });
  });

  it('refuses a manifest with an invalid package name', () => {
    const bad: Element = { name: 'manifest', attrs: [{ name: 'package', type: STRING, value: 'nodots' }] };
    expect(() => readManifestIdentity(encodeAxml(bad, true))).toThrow(ApkRefusal);
  });

  it('refuses (never crashes on) truncated or garbage input', () => {
    const good = encodeAxml(manifest([]), true);
    for (let length = 0; length < good.length; length += 7) {
      let thrown: unknown = null;
      try {
        readManifestIdentity(good.subarray(0, length));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ApkRefusal);
    }
    expect(() => parseAxml(Buffer.from('<manifest package="a.b"/>'))).toThrow(ApkRefusal);
  });
});
