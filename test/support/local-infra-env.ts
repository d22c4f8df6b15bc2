import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The settings `npm run infra:up` settled on for this machine (<cache>/infra.env, the cache being
 * TESSERA_CACHE_DIR or <repo>/.cache), for the tests. Services never read this: they get their environment
 * from whoever starts them. Twin of scripts/infra-env.mjs.
 */
export function readLocalInfraEnv(root: string = process.cwd()): Record<string, string> {
  const cache = process.env.TESSERA_CACHE_DIR ? path.resolve(process.env.TESSERA_CACHE_DIR) : path.join(root, '.cache');
  const file = path.join(cache, 'infra.env');
  const values: Record<string, string> = {};
  if (!existsSync(file)) return values;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)='(.*)'$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) values[match[1]] = match[2].replaceAll("'\\''", "'");
  }
  return values;
}
