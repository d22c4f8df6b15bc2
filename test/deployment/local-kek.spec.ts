import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseKek } from '@tessera/sealing';

/** Runs scripts/local-kek.mjs as the start and migrate scripts do, in a process of its own. */
function localKek(env: Record<string, string>): { kek: string; source: string; file: string | null } {
  const script = `import('./scripts/local-kek.mjs').then((m) => console.log(JSON.stringify(m.localKek(process.cwd()))))`;
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as { kek: string; source: string; file: string | null };
}

describe('scripts/local-kek.mjs: the KEK of a local run', () => {
  let cache: string;

  beforeEach(() => {
    cache = mkdtempSync(path.join(tmpdir(), 'tessera-kek-'));
  });

  afterEach(() => {
    rmSync(cache, { recursive: true, force: true });
  });

  it('generates a valid KEK once, readable only by its owner, and keeps it for the next runs', () => {
    const first = localKek({ TESSERA_CACHE_DIR: cache });
    expect(first).toMatchObject({ source: 'generated', file: path.join(cache, 'kek.env') });
    expect(parseKek(first.kek).id).toMatch(/^local-\d{4}-\d{2}-\d{2}$/);
    expect(statSync(path.join(cache, 'kek.env')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(cache, 'kek.env'), 'utf8')).toContain('not for production');
    const second = localKek({ TESSERA_CACHE_DIR: cache });
    expect(second).toEqual({ ...first, source: 'kept' });
  });

  it('uses TESSERA_KEK from the environment and writes nothing', () => {
    const own = 'mine:' + Buffer.alloc(32, 7).toString('base64');
    expect(localKek({ TESSERA_CACHE_DIR: cache, TESSERA_KEK: own })).toEqual({
      kek: own,
      source: 'environment',
      file: null,
    });
    expect(() => statSync(path.join(cache, 'kek.env'))).toThrow();
  });
});
