import type { DomainPattern } from '@tessera/contracts';

/**
 * Whether `host` is covered by `pattern`: equal to it, or for `*.example.com` exactly one label more
 * (`www.example.com`; not `example.com`, not `a.b.example.com`), as OkHttp's CertificatePinner reads `*.`. Host
 * names compare case-insensitively and without a trailing dot. No `node:` imports: the SDK uses it on React Native.
 */
export function domainMatches(pattern: DomainPattern, host: string): boolean {
  const name = normalizeHost(host);
  if (!pattern.startsWith('*.')) return name === pattern;
  const parent = pattern.slice(2);
  if (!name.endsWith(`.${parent}`)) return false;
  const label = name.slice(0, name.length - parent.length - 1);
  return label.length > 0 && !label.includes('.');
}

/** A host name as patterns are written: lower case, no trailing dot. */
export function normalizeHost(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * The patterns that cover `host`, most specific first (an exact name before a wildcard): a host covered by both
 * must satisfy the exact pattern's pins. Callers then take the first.
 */
export function patternsFor<T extends { pattern: DomainPattern }>(domains: readonly T[], host: string): T[] {
  return domains
    .filter((domain) => domainMatches(domain.pattern, host))
    .sort((a, b) => Number(a.pattern.startsWith('*.')) - Number(b.pattern.startsWith('*.')));
}
