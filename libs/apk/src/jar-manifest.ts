import { refuse } from './refusal';

/** One section of a JAR manifest or signature file, with the exact bytes the digests are computed over. */
export interface ManifestSection {
  /** The `Name` attribute (null for the main section). */
  name: string | null;
  /** Attribute names lowercased (they are case-insensitive); continuation lines joined. */
  attributes: Map<string, string>;
  /** The section's bytes including the blank line that ends it: what per-section digests cover. */
  raw: Buffer;
}

export interface ParsedManifest {
  main: ManifestSection;
  /** Individual sections by entry name. */
  entries: Map<string, ManifestSection>;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses META-INF/MANIFEST.MF or a .SF file: sections separated by blank lines, `Name: value` lines with
 * continuation lines starting with one space, CRLF, LF or CR line ends. `what` names the file in messages.
 */
export function parseJarManifest(bytes: Buffer, what: string): ParsedManifest {
  const sections: ManifestSection[] = [];
  let position = 0;
  while (position < bytes.length) {
    const start = position;
    const lines: string[] = [];
    let ended = false;
    while (position < bytes.length && !ended) {
      const { line, next } = readLine(bytes, position);
      position = next;
      if (line.length === 0) ended = true;
      else lines.push(decode(line, what));
    }
    if (lines.length === 0) continue; // stray blank line between sections
    sections.push(toSection(lines, bytes.subarray(start, position), what, sections.length === 0));
  }
  const [main, ...rest] = sections;
  if (!main) return refuse('v1-manifest-invalid', `${what} is empty`);
  const entries = new Map<string, ManifestSection>();
  for (const section of rest) {
    if (section.name === null) refuse('v1-manifest-invalid', `${what}: a section has no Name attribute`);
    if (entries.has(section.name)) refuse('v1-manifest-invalid', `${what}: duplicate section for ${section.name}`);
    entries.set(section.name, section);
  }
  return { main, entries };
}

function readLine(bytes: Buffer, from: number): { line: Buffer; next: number } {
  for (let at = from; at < bytes.length; at++) {
    const byte = bytes[at];
    if (byte === 0x0a) return { line: bytes.subarray(from, at), next: at + 1 };
    if (byte === 0x0d) {
      const next = bytes[at + 1] === 0x0a ? at + 2 : at + 1;
      return { line: bytes.subarray(from, at), next };
    }
  }
  return { line: bytes.subarray(from), next: bytes.length };
}

function decode(line: Buffer, what: string): string {
  try {
    return decoder.decode(line);
  } catch {
    return refuse('v1-manifest-invalid', `${what}: not UTF-8`);
  }
}

function toSection(lines: string[], raw: Buffer, what: string, isMain: boolean): ManifestSection {
  const joined: string[] = [];
  for (const line of lines) {
    if (line.startsWith(' ')) {
      if (joined.length === 0) refuse('v1-manifest-invalid', `${what}: continuation line without an attribute`);
      joined[joined.length - 1] = (joined.at(-1) ?? '') + line.slice(1);
    } else {
      joined.push(line);
    }
  }
  const attributes = new Map<string, string>();
  for (const line of joined) {
    const colon = line.indexOf(': ');
    if (colon <= 0) refuse('v1-manifest-invalid', `${what}: malformed attribute line`);
    const key = line.slice(0, colon).toLowerCase();
    if (!attributes.has(key)) attributes.set(key, line.slice(colon + 2));
  }
  const name = isMain ? null : (attributes.get('name') ?? null);
  return { name, attributes, raw };
}

export type JarDigestAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const DIGEST_NAMES: [string, JarDigestAlgorithm][] = [
  ['sha1', 'sha1'],
  ['sha-1', 'sha1'],
  ['sha-256', 'sha256'],
  ['sha-384', 'sha384'],
  ['sha-512', 'sha512'],
];

/** The `<ALG><suffix>` digests of a section that we understand, e.g. suffix `-digest` or `-digest-manifest`. */
export function digestsIn(
  section: ManifestSection,
  suffix: string,
): { algorithm: JarDigestAlgorithm; base64: string }[] {
  const found: { algorithm: JarDigestAlgorithm; base64: string }[] = [];
  for (const [prefix, algorithm] of DIGEST_NAMES) {
    const value = section.attributes.get(`${prefix}${suffix}`);
    if (value !== undefined) found.push({ algorithm, base64: value.trim() });
  }
  return found;
}
