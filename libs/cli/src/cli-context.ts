import type { Command } from 'commander';
import { AdminApiClient } from './api/admin-api-client';
import type { CliIo } from './cli-io';
import { ConfigStore, configFilePath } from './config/config-store';
import { type Connection, resolveConnection } from './config/connection';
import { Printer } from './output/printer';

/** The options every command takes (see the program's help). */
export interface GlobalOptions {
  endpoint?: string;
  key?: string;
  json?: boolean;
  /** Seconds. */
  timeout?: number;
}

/** What commands share in one run: the global options, the config file, output, and the API client. */
export class CliContext {
  readonly store: ConfigStore;
  private permissionChecked = false;

  constructor(
    readonly io: CliIo,
    private readonly program: Command,
  ) {
    this.store = new ConfigStore(configFilePath(io.env, io.homeDir));
  }

  /** Read when a command runs, after commander has parsed them. */
  get globals(): GlobalOptions {
    return this.program.opts<GlobalOptions>();
  }

  get printer(): Printer {
    return new Printer(this.io, this.globals.json === true);
  }

  /** The endpoint and key in force (options, then environment, then config file); exit 3 without a key. */
  async connection(): Promise<Connection> {
    const { endpoint, key } = this.globals;
    const stored = await this.store.read();
    if (stored?.apiKey && !this.permissionChecked) {
      this.permissionChecked = true;
      const problem = await this.store.permissionProblem();
      if (problem) this.printer.warn(problem);
    }
    return resolveConnection({ endpoint, key }, this.io.env, stored);
  }

  async client(): Promise<AdminApiClient> {
    const { endpoint, key } = await this.connection();
    return this.clientFor(endpoint, key);
  }

  clientFor(endpoint: string, key: string): AdminApiClient {
    const timeoutMs = this.globals.timeout === undefined ? undefined : this.globals.timeout * 1000;
    return new AdminApiClient({ endpoint, key, fetch: this.io.fetch, timeoutMs, uploadTimeoutMs: timeoutMs });
  }
}
