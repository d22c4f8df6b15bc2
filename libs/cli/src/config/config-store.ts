import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors';

/** What `tessera login` keeps: where the services are and the key to use. */
export interface StoredConfig {
  /** The registration service. */
  endpoint?: string;
  apiKey?: string;
  /** The token service; optional, as files written before it existed lack it. */
  tokenEndpoint?: string;
  /** The pins service; optional too. */
  pinsEndpoint?: string;
}

const STORED_SETTINGS = ['endpoint', 'apiKey', 'tokenEndpoint', 'pinsEndpoint'] as const;

const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;

/** `$TESSERA_CONFIG`, else `$XDG_CONFIG_HOME/tessera/config.json`, else `~/.config/tessera/config.json`. */
export function configFilePath(env: Record<string, string | undefined>, homeDir: string): string {
  if (env.TESSERA_CONFIG) return path.resolve(env.TESSERA_CONFIG);
  const base = env.XDG_CONFIG_HOME ? path.resolve(env.XDG_CONFIG_HOME) : path.join(homeDir, '.config');
  return path.join(base, 'tessera', 'config.json');
}

/** The config file: readable and writable by its owner only, since it holds an API key. */
export class ConfigStore {
  constructor(readonly path: string) {}

  /** The stored settings; undefined when there is no file. */
  async read(): Promise<StoredConfig | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CliError(`cannot read the config file ${this.path}: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw this.invalid('not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw this.invalid('not an object');
    const fields = parsed as Record<string, unknown>;
    const config: StoredConfig = {};
    for (const setting of STORED_SETTINGS) {
      const value = fields[setting];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw this.invalid(`${setting} is not a string`);
      config[setting] = value;
    }
    return config;
  }

  /**
   * Replaces the file: written beside it with mode 0600 and renamed over it, so the key is never readable by
   * others, not even for a moment, and a crash leaves the old file or the new one. A missing directory is
   * created 0700.
   */
  async write(config: StoredConfig): Promise<void> {
    const directory = path.dirname(this.path);
    await mkdir(directory, { recursive: true, mode: DIRECTORY_MODE });
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: FILE_MODE, flag: 'w' });
      await chmod(temporary, FILE_MODE);
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new CliError(`cannot write the config file ${this.path}: ${(error as Error).message}`);
    }
  }

  /** Deletes the file; false when there was none. */
  async remove(): Promise<boolean> {
    try {
      await rm(this.path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new CliError(`cannot delete the config file ${this.path}: ${(error as Error).message}`);
    }
  }

  /** A warning when the file can be read by anyone but its owner (someone copied or edited it). */
  async permissionProblem(): Promise<string | undefined> {
    if (process.platform === 'win32') return undefined;
    try {
      const { mode } = await stat(this.path);
      if ((mode & 0o077) === 0) return undefined;
      return `the config file ${this.path} holds an API key and is readable by others (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${this.path}`;
    } catch {
      return undefined;
    }
  }

  private invalid(problem: string): CliError {
    return new CliError(`the config file ${this.path} is invalid (${problem}): fix it, or run \`tessera logout\``);
  }
}
