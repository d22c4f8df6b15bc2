import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TesseraClient } from '../tessera-client';
import { clientWorld } from '../testing/client-world';
import { FileInstallationKeyStore } from './file-key-store';

describe('FileInstallationKeyStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-sdk-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the key in a file only its owner can read, and the next client uses it', async () => {
    const path = join(dir, 'keys', 'installation.json');
    const { options } = clientWorld({ keyStore: new FileInstallationKeyStore(path) });
    const id = await new TesseraClient(options).installationId();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(path, 'utf8')) as { privateJwk: Record<string, string> };
    expect(Object.keys(stored.privateJwk).sort()).toEqual(['crv', 'd', 'kty', 'x', 'y']);
    const restarted = { ...options, keyStore: new FileInstallationKeyStore(path) };
    await expect(new TesseraClient(restarted).installationId()).resolves.toBe(id);
  });

  it('loads nothing from a missing file, and clear() removes the file (twice is fine)', async () => {
    const store = new FileInstallationKeyStore(join(dir, 'installation.json'));
    await expect(store.load()).resolves.toBeUndefined();
    await store.save({ privateJwk: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' } });
    await expect(store.load()).resolves.toEqual({ privateJwk: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' } });
    await store.clear();
    await store.clear();
    await expect(store.load()).resolves.toBeUndefined();
  });

  it('tightens the mode of a file that was readable by others', async () => {
    const path = join(dir, 'installation.json');
    await writeFile(path, '{}', { mode: 0o644 });
    await new FileInstallationKeyStore(path).save({ privateJwk: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' } });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('makes a corrupt file a key-store error, not a new installation', async () => {
    const path = join(dir, 'installation.json');
    await writeFile(path, '{"privateJwk":', { mode: 0o600 });
    const { options } = clientWorld({ keyStore: new FileInstallationKeyStore(path) });
    await expect(new TesseraClient(options).installationId()).rejects.toMatchObject({ kind: 'key-store' });
    await expect(readFile(path, 'utf8')).resolves.toBe('{"privateJwk":');
  });
});
