import type { Command } from 'commander';
import { AdminApiClient } from './api/admin-api-client';
import type { CliIo } from './cli-io';
import { ConfigStore, configFilePath, type StoredConfig } from './config/config-store';
import {
  type Connection,
  type EndpointService,
  requireServiceEndpoint,
  resolveConnection,
  resolveServiceEndpoint,
  type SettingSource,
} from './config/connection';
import { Printer } from './output/printer';

/** The options every command takes (see the program's help). */
export interface GlobalOptions {
  endpoint?: string;
  key?: string;
  tokenEndpoint?: string;
  pinsEndpoint?: string;
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
    return this.connectionFrom(await this.storedConfig());
  }

  async client(): Promise<AdminApiClient> {
    const { endpoint, key } = await this.connection();
    return this.clientFor(endpoint, key);
  }

  /**
   * A client for the token or pins service's commands: the key and registration endpoint as for any command, plus
   * the service's URL, without which they fail at once (exit 2, saying how to set it) before reading any input.
   */
  async serviceClient(service: EndpointService): Promise<AdminApiClient> {
    const stored = await this.storedConfig();
    const { endpoint, key } = this.connectionFrom(stored);
    const { endpoint: serviceEndpoint } = requireServiceEndpoint(service, this.globals, this.io.env, stored);
    return this.clientFor(endpoint, key, { [service]: serviceEndpoint });
  }

  /** The service's URL in force and where it came from; undefined when none is set. */
  async serviceEndpoint(service: EndpointService): Promise<{ endpoint: string; source: SettingSource } | undefined> {
    return resolveServiceEndpoint(service, this.globals, this.io.env, await this.store.read());
  }

  clientFor(endpoint: string, key: string, services: Partial<Record<EndpointService, string>> = {}): AdminApiClient {
    const timeoutMs = this.globals.timeout === undefined ? undefined : this.globals.timeout * 1000;
    return new AdminApiClient({
      endpoint,
      key,
      tokenEndpoint: services.token,
      pinsEndpoint: services.pins,
      fetch: this.io.fetch,
      timeoutMs,
      uploadTimeoutMs: timeoutMs,
    });
  }

  private connectionFrom(stored: StoredConfig | undefined): Connection {
    const { endpoint, key } = this.globals;
    return resolveConnection({ endpoint, key }, this.io.env, stored);
  }

  /** The config file's settings, warning once per run when a file holding a key is readable by others. */
  private async storedConfig(): Promise<StoredConfig | undefined> {
    const stored = await this.store.read();
    if (stored?.apiKey && !this.permissionChecked) {
      this.permissionChecked = true;
      const problem = await this.store.permissionProblem();
      if (problem) this.printer.warn(problem);
    }
    return stored;
  }
}
