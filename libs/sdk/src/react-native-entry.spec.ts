import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The SDK runs on React Native, which has no Node modules: from its entry (`@tessera/sdk`), through the libs it
 * imports (`@tessera/evidence`, `@tessera/contracts`), no file may import one. Read statically from the sources, as
 * a bundler would, following relative imports and the tsconfig path aliases; packages are not followed (jose and
 * zod are WebCrypto/plain JavaScript).
 */
const ROOT = resolve('.');
const aliases = (
  ts.readConfigFile(join(ROOT, 'tsconfig.json'), (file) => ts.sys.readFile(file)).config as {
    compilerOptions: { paths: Record<string, string[]> };
  }
).compilerOptions.paths;
const NODE_MODULES = new Set(builtinModules);

function resolveSource(specifier: string): string {
  for (const candidate of [`${specifier}.ts`, join(specifier, 'index.ts')]) if (existsSync(candidate)) return candidate;
  throw new Error(`cannot resolve ${specifier}`);
}

/** Every file reached from `entry`, and every package imported on the way. */
function importGraph(entry: string) {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [resolveSource(join(ROOT, entry))];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const { fileName: specifier } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      const alias = aliases[specifier]?.[0];
      if (specifier.startsWith('.')) pending.push(resolveSource(join(dirname(file), specifier)));
      else if (alias !== undefined) pending.push(resolveSource(join(ROOT, alias)));
      else packages.add(specifier);
    }
  }
  return { files: [...files].map((file) => relative(ROOT, file)), packages: [...packages].sort() };
}

const isNodeModule = (specifier: string) => specifier.startsWith('node:') || NODE_MODULES.has(specifier.split('/')[0]!);

describe('the React Native entry of the SDK', () => {
  it('reaches no Node module, only jose and zod', () => {
    const graph = importGraph('libs/sdk/src/index');
    expect(graph.files).toEqual(
      expect.arrayContaining([
        'libs/sdk/src/tessera-client.ts',
        'libs/evidence/src/sign-evidence.ts',
        'libs/contracts/src/event-catalog.ts',
      ]),
    );
    expect(graph.files.filter((file) => file.includes('/node/') || file.includes('/testing/'))).toEqual([]);
    expect(graph.packages.filter(isNodeModule)).toEqual([]);
    expect(graph.packages).toEqual(['jose', 'zod']);
  });

  it('uses none of the globals only Node has (Buffer, process, require) in what it reaches', () => {
    const uses = importGraph('libs/sdk/src/index').files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\b(Buffer\.\w+|process\.\w+|require\(|__dirname)/g)].map(
        (match) => `${file}: ${match[0]}`,
      ),
    );
    expect(uses).toEqual([]);
  });

  it('is told apart from the Node entry, which does import Node modules', () => {
    expect(importGraph('libs/sdk/src/node/index').packages.filter(isNodeModule)).toEqual(
      expect.arrayContaining(['node:fs/promises', 'node:path']),
    );
  });
});
