import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const created: string[] = [];

/** A fresh temporary directory for a spec; `afterAll(removeTestDirectories)` in the spec removes it. */
export function testDirectory(prefix: string): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), `tessera-${prefix}-`));
  created.push(directory);
  return directory;
}

export function removeTestDirectories(): void {
  for (const directory of created.splice(0)) rmSync(directory, { recursive: true, force: true });
}
