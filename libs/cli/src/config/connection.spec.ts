import { NoServiceEndpointError, NotLoggedInError } from '../errors';
import { ExitCode } from '../exit-codes';
import {
  DEFAULT_ENDPOINT,
  normaliseEndpoint,
  requireServiceEndpoint,
  resolveConnection,
  resolveServiceEndpoint,
} from './connection';

const key = (id: string) => `tsk_${id}_${'s'.repeat(43)}`;
const OPTION = key('1111111111111111');
const ENV = key('2222222222222222');
const FILE = key('3333333333333333');

describe('resolveConnection', () => {
  it('takes each setting from the option, then the environment, then the config file', () => {
    const env = { TESSERA_ENDPOINT: 'http://env:1', TESSERA_API_KEY: ENV };
    const stored = { endpoint: 'http://file:1', apiKey: FILE };
    expect(resolveConnection({ endpoint: 'http://option:1', key: OPTION }, env, stored)).toEqual({
      endpoint: 'http://option:1',
      endpointSource: 'option',
      key: OPTION,
      keySource: 'option',
    });
    expect(resolveConnection({}, env, stored)).toMatchObject({ endpoint: 'http://env:1', key: ENV });
    expect(resolveConnection({}, {}, stored)).toMatchObject({
      endpoint: 'http://file:1',
      endpointSource: 'config file',
      key: FILE,
      keySource: 'config file',
    });
    // Mixed: an endpoint from the environment with the stored key.
    expect(resolveConnection({}, { TESSERA_ENDPOINT: 'http://env:1' }, stored)).toMatchObject({
      endpoint: 'http://env:1',
      key: FILE,
    });
  });

  it('uses the local service when no endpoint is set, and counts empty variables as unset', () => {
    expect(resolveConnection({}, { TESSERA_ENDPOINT: '', TESSERA_API_KEY: ENV }, undefined)).toMatchObject({
      endpoint: DEFAULT_ENDPOINT,
      endpointSource: 'default',
    });
    expect(() => resolveConnection({}, { TESSERA_API_KEY: '' }, { endpoint: 'http://file:1' })).toThrow(
      NotLoggedInError,
    );
  });

  it('without any key is "not logged in" (exit 3)', () => {
    const error = (() => {
      try {
        return resolveConnection({}, {}, undefined);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(NotLoggedInError);
    expect(error).toMatchObject({ exitCode: ExitCode.notLoggedIn });
  });

  it('refuses a malformed key without repeating it: usage error as an option, no usable key otherwise', () => {
    const bad = 'tsk_secret-looking-value';
    const attempt = (overrides: { key?: string }, env: Record<string, string>) => {
      try {
        resolveConnection(overrides, env, undefined);
      } catch (error) {
        return error as Error & { exitCode: number };
      }
      throw new Error('accepted');
    };
    const asOption = attempt({ key: bad }, {});
    expect(asOption.exitCode).toBe(ExitCode.usage);
    expect(asOption.message).toContain('--key is not a Tessera API key');
    const fromEnv = attempt({}, { TESSERA_API_KEY: bad });
    expect(fromEnv.exitCode).toBe(ExitCode.notLoggedIn);
    expect(fromEnv.message).toContain('TESSERA_API_KEY');
    for (const error of [asOption, fromEnv]) expect(error.message).not.toContain(bad);
  });
});

describe('normaliseEndpoint', () => {
  it('drops trailing slashes and keeps a path prefix', () => {
    expect(normaliseEndpoint('http://localhost:3001/')).toBe('http://localhost:3001');
    expect(normaliseEndpoint(' https://tessera.example.com/admin// ')).toBe('https://tessera.example.com/admin');
  });

  it('refuses what is not a plain http(s) base URL, without echoing credentials', () => {
    expect(() => normaliseEndpoint('localhost:3001')).toThrow('must be an http:// or https:// URL');
    expect(() => normaliseEndpoint('not a url')).toThrow('is not a URL');
    expect(() => normaliseEndpoint('ftp://host')).toThrow('http:// or https://');
    expect(() => normaliseEndpoint('http://host/?a=1')).toThrow('without query');
    expect(() => normaliseEndpoint('http://user:hunter2@host/')).toThrow(/^(?!.*hunter2)/s);
    expect(() => normaliseEndpoint('http://user:hunter2@host/', 'environment')).toThrow('TESSERA_ENDPOINT');
  });
});

describe('resolveServiceEndpoint', () => {
  const stored = { endpoint: 'http://file:1', tokenEndpoint: 'http://file:3/', pinsEndpoint: 'http://file:4/' };

  it('takes --token-endpoint, then TESSERA_TOKEN_ENDPOINT, then the config file; normalised', () => {
    const env = { TESSERA_TOKEN_ENDPOINT: 'http://env:3' };
    expect(resolveServiceEndpoint('token', { tokenEndpoint: 'http://option:3' }, env, stored)).toEqual({
      endpoint: 'http://option:3',
      source: 'option',
    });
    expect(resolveServiceEndpoint('token', {}, env, stored)).toEqual({
      endpoint: 'http://env:3',
      source: 'environment',
    });
    expect(resolveServiceEndpoint('token', {}, { TESSERA_TOKEN_ENDPOINT: '' }, stored)).toEqual({
      endpoint: 'http://file:3',
      source: 'config file',
    });
  });

  it("takes the pins service's own settings, never the token service's", () => {
    const env = { TESSERA_PINS_ENDPOINT: 'http://env:4', TESSERA_TOKEN_ENDPOINT: 'http://env:3' };
    expect(
      resolveServiceEndpoint(
        'pins',
        { pinsEndpoint: 'http://option:4', tokenEndpoint: 'http://option:3' },
        env,
        stored,
      ),
    ).toEqual({
      endpoint: 'http://option:4',
      source: 'option',
    });
    expect(resolveServiceEndpoint('pins', { tokenEndpoint: 'http://option:3' }, env, stored)).toEqual({
      endpoint: 'http://env:4',
      source: 'environment',
    });
    expect(resolveServiceEndpoint('pins', {}, { TESSERA_TOKEN_ENDPOINT: 'http://env:3' }, stored)).toEqual({
      endpoint: 'http://file:4',
      source: 'config file',
    });
    expect(resolveServiceEndpoint('pins', {}, env, { tokenEndpoint: 'http://file:3' })).toEqual({
      endpoint: 'http://env:4',
      source: 'environment',
    });
  });

  it('has no default: none is undefined, and a usage error (exit 2) naming the service for commands that need it', () => {
    for (const service of ['token', 'pins'] as const) {
      expect(
        resolveServiceEndpoint(service, {}, { TESSERA_ENDPOINT: 'http://env:1' }, { endpoint: 'http://file:1' }),
      ).toBeUndefined();
      expect(() => requireServiceEndpoint(service, {}, {}, undefined)).toThrow(NoServiceEndpointError);
      expect(new NoServiceEndpointError(service).exitCode).toBe(ExitCode.usage);
    }
    expect(() => requireServiceEndpoint('pins', {}, {}, undefined)).toThrow('no pins service endpoint is set');
    expect(new NoServiceEndpointError('pins').details.join('\n')).toContain('TESSERA_PINS_ENDPOINT');
    expect(requireServiceEndpoint('token', {}, {}, stored)).toMatchObject({ endpoint: 'http://file:3' });
    expect(requireServiceEndpoint('pins', {}, {}, stored)).toMatchObject({ endpoint: 'http://file:4' });
  });

  it('names the setting that is wrong', () => {
    expect(() => resolveServiceEndpoint('token', {}, { TESSERA_TOKEN_ENDPOINT: 'ftp://x' }, undefined)).toThrow(
      'TESSERA_TOKEN_ENDPOINT must be an http:// or https:// URL',
    );
    expect(() => resolveServiceEndpoint('token', {}, {}, { tokenEndpoint: 'nope' })).toThrow(
      'the stored token endpoint is not a URL',
    );
    expect(() => resolveServiceEndpoint('pins', { pinsEndpoint: 'nope' }, {}, undefined)).toThrow(
      '--pins-endpoint is not a URL',
    );
    expect(() => resolveServiceEndpoint('pins', {}, {}, { pinsEndpoint: 'http://u:p@h' })).toThrow(
      'the stored pins endpoint must be a plain base URL',
    );
  });
});
