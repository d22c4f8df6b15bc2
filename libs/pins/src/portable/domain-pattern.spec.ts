import { DomainPatternSchema } from '@tessera/contracts';
import { domainMatches, normalizeHost, patternsFor } from './domain-pattern';

describe('domain patterns', () => {
  it.each([
    ['api.example.com', 'api.example.com', true],
    ['api.example.com', 'API.Example.com.', true],
    ['api.example.com', 'www.example.com', false],
    ['api.example.com', 'x.api.example.com', false],
    ['*.example.com', 'www.example.com', true],
    ['*.example.com', 'WWW.EXAMPLE.COM', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'wwwexample.com', false],
    ['*.example.com', '.example.com', false],
  ])('%s covers %s: %s', (pattern, host, expected) => {
    expect(domainMatches(DomainPatternSchema.parse(pattern), host)).toBe(expected);
  });

  it.each([
    ['an upper-case name', 'API.example.com'],
    ['a port', 'api.example.com:443'],
    ['a wildcard inside a label', 'a*.example.com'],
    ['a wildcard below the top', 'api.*.example.com'],
    ['a bare wildcard', '*'],
    ['a top-level domain alone', 'com'],
    ['a trailing dot', 'api.example.com.'],
    ['an IP address', '10.0.0.1'],
    ['a label of 64 characters', `${'a'.repeat(64)}.example.com`],
  ])('refuses %s as a pattern', (_what, pattern) => {
    expect(DomainPatternSchema.safeParse(pattern).success).toBe(false);
  });

  it('puts an exact pattern before a wildcard that also covers the host', () => {
    const domains = [{ pattern: '*.example.com' }, { pattern: 'api.example.com' }, { pattern: 'other.org' }];
    expect(patternsFor(domains, 'api.example.com').map((d) => d.pattern)).toEqual(['api.example.com', '*.example.com']);
    expect(patternsFor(domains, 'nowhere.net')).toEqual([]);
  });

  it('normalises a host as patterns are written', () => {
    expect(normalizeHost('Api.Example.COM.')).toBe('api.example.com');
  });
});
