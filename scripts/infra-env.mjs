// Reads the settings `node scripts/infra.mjs up` settled on (<cache>/infra.env; the cache is TESSERA_CACHE_DIR or
// <repo>/.cache). Shared by the start, migrate and bench scripts; test/support/local-infra-env.ts is its twin for
// the TypeScript tests.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function infraEnvFile(root) {
  const cache = process.env.TESSERA_CACHE_DIR ? path.resolve(process.env.TESSERA_CACHE_DIR) : path.join(root, '.cache');
  return path.join(cache, 'infra.env');
}

/** KEY='value' lines as an object; empty when the file does not exist. */
export function readInfraEnv(root) {
  const file = infraEnvFile(root);
  const values = {};
  if (!existsSync(file)) return values;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)='(.*)'$/.exec(line.trim());
    if (match) values[match[1]] = match[2].replaceAll("'\\''", "'");
  }
  return values;
}
