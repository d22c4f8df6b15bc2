import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode } from '../exit-codes';
import { ConfigStore, configFilePath } from './config-store';
import { removeTestDirectories, testDirectory } from '../testing/test-directory';

afterAll(removeTestDirectories);

const KEY = `tsk_0123456789abcdef_${'k'.repeat(43)}`;
const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('configFilePath', () => {
  it('is $TESSERA_CONFIG, else under $XDG_CONFIG_HOME, else ~/.config/tessera/config.json', () => {
    expect(configFilePath({ TESSERA_CONFIG: '/etc/t.json', XDG_CONFIG_HOME: '/x' }, '/home/u')).toBe('/etc/t.json');
    expect(configFilePath({ XDG_CONFIG_HOME: '/x' }, '/home/u')).toBe('/x/tessera/config.json');
    expect(configFilePath({}, '/home/u')).toBe('/home/u/.config/tessera/config.json');
    expect(configFilePath({ TESSERA_CONFIG: '' }, '/home/u')).toBe('/home/u/.config/tessera/config.json');
  });
});

describe('ConfigStore', () => {
  const directory = () => testDirectory('config');

  it('creates a missing directory 0700 and the file 0600, and reads back what it wrote', async () => {
    const file = path.join(directory(), 'nested', 'tessera', 'config.json');
    const store = new ConfigStore(file);
    expect(await store.read()).toBeUndefined();
    await store.write({ endpoint: 'http://localhost:3001', apiKey: KEY });
    expect(await modeOf(path.dirname(file))).toBe(0o700);
    expect(await modeOf(path.dirname(path.dirname(file)))).toBe(0o700);
    expect(await modeOf(file)).toBe(0o600);
    expect(await store.read()).toEqual({ endpoint: 'http://localhost:3001', apiKey: KEY });
    expect(await store.permissionProblem()).toBeUndefined();
    await store.write({ endpoint: 'http://localhost:3001', apiKey: KEY, tokenEndpoint: 'http://localhost:3003' });
    expect(await store.read()).toEqual({
      endpoint: 'http://localhost:3001',
      apiKey: KEY,
      tokenEndpoint: 'http://localhost:3003',
    });
  });

  it('replaces a file others could read with one only its owner can, and leaves no temporary file', async () => {
    const dir = directory();
    const file = path.join(dir, 'config.json');
    await writeFile(file, '{}', { mode: 0o644 });
    await chmod(file, 0o644);
    const store = new ConfigStore(file);
    expect(await store.permissionProblem()).toContain('readable by others (mode 644)');
    await store.write({ apiKey: KEY });
    expect(await modeOf(file)).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ apiKey: KEY });
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(dir)).toEqual(['config.json']);
  });

  it('leaves an existing directory as it is', async () => {
    const dir = path.join(directory(), 'shared');
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    await new ConfigStore(path.join(dir, 'config.json')).write({ apiKey: KEY });
    expect(await modeOf(dir)).toBe(0o755);
  });

  it('refuses a file that is not a JSON object of strings, saying how to fix it', async () => {
    const dir = directory();
    const cases: [string, string][] = [
      ['not json', 'not JSON'],
      ['[1]', 'not an object'],
      ['{"apiKey": 42}', 'apiKey is not a string'],
      ['{"endpoint": true}', 'endpoint is not a string'],
      ['{"tokenEndpoint": 3003}', 'tokenEndpoint is not a string'],
    ];
    for (const [content, problem] of cases) {
      const file = path.join(dir, 'config.json');
      await writeFile(file, content);
      const error = await new ConfigStore(file).read().catch((e: unknown) => e);
      expect(error).toMatchObject({ exitCode: ExitCode.failure });
      expect((error as Error).message).toContain(problem);
      expect((error as Error).message).toContain('tessera logout');
    }
  });

  it('remove deletes the file and says whether there was one', async () => {
    const store = new ConfigStore(path.join(directory(), 'config.json'));
    await store.write({ apiKey: KEY });
    expect(await store.remove()).toBe(true);
    expect(await store.read()).toBeUndefined();
    expect(await store.remove()).toBe(false);
  });
});
