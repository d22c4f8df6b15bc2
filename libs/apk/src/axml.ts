import { refuse } from './refusal';

/*
 * Android binary XML (AXML), the compiled form of AndroidManifest.xml.
 *
 * Our own small reader: the npm packages that parse AXML are either whole-APK readers built on old stacks
 * (adbkit-apkreader: bluebird, CoffeeScript output, no types) or unmaintained. This reads only what the
 * manifest needs (string pool, resource-ID map, element start/end, typed attribute values), bounds-checks every
 * offset, and refuses (never throws) on anything malformed. Tests: axml.spec.ts.
 */

const RES_XML_TYPE = 0x0003;
const RES_STRING_POOL_TYPE = 0x0001;
const RES_XML_RESOURCE_MAP_TYPE = 0x0180;
const RES_XML_START_ELEMENT_TYPE = 0x0102;
const RES_XML_END_ELEMENT_TYPE = 0x0103;
const UTF8_FLAG = 0x100;
const NO_INDEX = 0xffffffff;

/** Res_value data types used by manifests. */
export const AxmlValueType = {
  NULL: 0x00,
  REFERENCE: 0x01,
  STRING: 0x03,
  INT_DEC: 0x10,
  INT_HEX: 0x11,
  INT_BOOLEAN: 0x12,
} as const;

export interface AxmlAttribute {
  namespace: string | null;
  name: string;
  /** The android:* attribute resource ID (e.g. 0x0101021b for versionCode), or null. */
  resourceId: number | null;
  /** The raw string value, when the attribute has one. */
  rawValue: string | null;
  type: number;
  /** Res_value data: an int, a string index for STRING, a resource ID for REFERENCE. */
  data: number;
  /** For STRING values: the string. */
  stringValue: string | null;
}

export interface AxmlElement {
  namespace: string | null;
  name: string;
  attributes: AxmlAttribute[];
  children: AxmlElement[];
}

const MAX_DEPTH = 64;

/** Parses an AXML document into its element tree; returns the root element. */
export function parseAxml(bytes: Buffer): AxmlElement {
  const fail = (detail: string): never => refuse('manifest-invalid', `AndroidManifest.xml: ${detail}`);
  if (bytes.length < 8 || bytes.readUInt16LE(0) !== RES_XML_TYPE) fail('not Android binary XML');
  const documentEnd = bytes.readUInt32LE(4);
  if (documentEnd > bytes.length) fail('truncated document');
  let position = bytes.readUInt16LE(2);
  let strings: string[] = [];
  let resourceIds: number[] = [];
  const roots: AxmlElement[] = [];
  const stack: AxmlElement[] = [];

  const string = (index: number): string | null => {
    if (index === NO_INDEX) return null;
    const value = strings[index];
    return value ?? fail(`string index ${index} out of range`);
  };

  while (position + 8 <= documentEnd) {
    const type = bytes.readUInt16LE(position);
    const headerSize = bytes.readUInt16LE(position + 2);
    const size = bytes.readUInt32LE(position + 4);
    if (size < 8 || headerSize < 8 || headerSize > size || position + size > documentEnd) fail('bad chunk size');
    const chunk = bytes.subarray(position, position + size);
    switch (type) {
      case RES_STRING_POOL_TYPE:
        strings = readStringPool(chunk, fail);
        break;
      case RES_XML_RESOURCE_MAP_TYPE:
        resourceIds = [];
        for (let at = headerSize; at + 4 <= size; at += 4) resourceIds.push(chunk.readUInt32LE(at));
        break;
      case RES_XML_START_ELEMENT_TYPE: {
        if (headerSize + 20 > size) fail('truncated element');
        const body = headerSize;
        const attributeStart = chunk.readUInt16LE(body + 8);
        const attributeSize = chunk.readUInt16LE(body + 10);
        const attributeCount = chunk.readUInt16LE(body + 12);
        if (attributeSize < 20 || body + attributeStart + attributeCount * attributeSize > size) {
          fail('attributes outside their element');
        }
        const attributes: AxmlAttribute[] = [];
        for (let i = 0; i < attributeCount; i++) {
          const at = body + attributeStart + i * attributeSize;
          const nameIndex = chunk.readUInt32LE(at + 4);
          const valueType = chunk.readUInt8(at + 15);
          const data = chunk.readUInt32LE(at + 16);
          attributes.push({
            namespace: string(chunk.readUInt32LE(at)),
            name: string(nameIndex) ?? '',
            resourceId: resourceIds[nameIndex] ?? null,
            rawValue: string(chunk.readUInt32LE(at + 8)),
            type: valueType,
            data,
            stringValue: valueType === AxmlValueType.STRING ? string(data) : null,
          });
        }
        const element: AxmlElement = {
          namespace: string(chunk.readUInt32LE(body)),
          name: string(chunk.readUInt32LE(body + 4)) ?? fail('element without a name'),
          attributes,
          children: [],
        };
        const parent = stack.at(-1);
        if (parent) parent.children.push(element);
        else roots.push(element);
        stack.push(element);
        if (stack.length > MAX_DEPTH) fail('elements nested too deeply');
        break;
      }
      case RES_XML_END_ELEMENT_TYPE:
        if (!stack.pop()) fail('end of an element that was not started');
        break;
      default:
        break; // namespaces, CDATA and unknown chunks carry nothing the identity needs
    }
    position += size;
  }
  if (position !== documentEnd) fail('trailing bytes inside the document');
  if (stack.length > 0) fail('unclosed element');
  const root = roots[0];
  if (!root) return fail('no root element');
  return root;
}

function readStringPool(chunk: Buffer, fail: (detail: string) => never): string[] {
  if (chunk.length < 28) fail('truncated string pool');
  const headerSize = chunk.readUInt16LE(2);
  const count = chunk.readUInt32LE(8);
  const flags = chunk.readUInt32LE(16);
  const stringsStart = chunk.readUInt32LE(20);
  if (headerSize + count * 4 > chunk.length || stringsStart > chunk.length) fail('string pool out of bounds');
  const utf8 = (flags & UTF8_FLAG) !== 0;
  const result: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = stringsStart + chunk.readUInt32LE(headerSize + i * 4);
    result.push(utf8 ? readUtf8(chunk, at, fail) : readUtf16(chunk, at, fail));
  }
  return result;
}

function readUtf8(chunk: Buffer, at: number, fail: (detail: string) => never): string {
  const lengthField = (offset: number): [number, number] => {
    if (offset + 1 > chunk.length) fail('string out of bounds');
    const first = chunk.readUInt8(offset);
    if ((first & 0x80) === 0) return [first, offset + 1];
    if (offset + 2 > chunk.length) fail('string out of bounds');
    return [((first & 0x7f) << 8) | chunk.readUInt8(offset + 1), offset + 2];
  };
  const [, afterCharCount] = lengthField(at); // UTF-16 length, unused
  const [byteLength, start] = lengthField(afterCharCount);
  if (start + byteLength > chunk.length) fail('string out of bounds');
  return chunk.toString('utf8', start, start + byteLength);
}

function readUtf16(chunk: Buffer, at: number, fail: (detail: string) => never): string {
  if (at + 2 > chunk.length) fail('string out of bounds');
  let length = chunk.readUInt16LE(at);
  let start = at + 2;
  if ((length & 0x8000) !== 0) {
    if (at + 4 > chunk.length) fail('string out of bounds');
    length = ((length & 0x7fff) << 16) | chunk.readUInt16LE(at + 2);
    start = at + 4;
  }
  if (start + length * 2 > chunk.length) fail('string out of bounds');
  return chunk.toString('utf16le', start, start + length * 2);
}
