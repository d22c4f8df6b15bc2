import { readFileSync } from 'node:fs';
import path from 'node:path';
import { swaggerUiDirectory } from './swagger-ui';

/**
 * The version in Tessera's package.json: the one beside the node_modules the service runs from (found through an
 * installed package, so it does not depend on the working directory). `0.0.0` if it cannot be read.
 */
export function tesseraVersion(): string {
  try {
    const file = path.resolve(swaggerUiDirectory, '..', '..', 'package.json');
    const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
