import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { InstallationKeyStore, StoredInstallationKey } from '../installation-key';

/**
 * Keeps the installation key in a file (Node only): the JSON of the private JWK, readable by its owner only (0600).
 * Written to a temporary file and renamed, so a crash mid-write leaves the old key or the new one, never half.
 */
export class FileInstallationKeyStore implements InstallationKeyStore {
  constructor(private readonly path: string) {}

  async load(): Promise<StoredInstallationKey | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // The shape is checked where the key is used (a bad file is an error there, never a silent new key).
    return JSON.parse(text) as StoredInstallationKey;
  }

  async save(key: StoredInstallationKey): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(key)}\n`, { mode: 0o600 });
    // writeFile's mode is subject to the umask and ignored for an existing file: set it outright.
    await chmod(temporary, 0o600);
    await rename(temporary, this.path);
  }

  async clear(): Promise<void> {
    await rm(this.path, { force: true });
  }
}
