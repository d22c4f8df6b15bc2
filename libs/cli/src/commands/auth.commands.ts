import type { Command } from 'commander';
import type { Tenant } from '../api/views';
import type { CliContext } from '../cli-context';
import type { StoredConfig } from '../config/config-store';
import {
  type ConnectionOverrides,
  ENDPOINT_SERVICES,
  type EndpointService,
  resolveEndpoint,
  resolveServiceEndpoint,
  SERVICE_ENDPOINTS,
  type SettingSource,
} from '../config/connection';
import { KEY_FORMAT, keyIdOf, maskKey } from '../config/mask-key';
import { UsageError } from '../errors';
import { formatTime } from '../output/format';
import { renderRecord } from '../output/table';

type ServiceEndpoints = Partial<Record<EndpointService, { endpoint: string; source?: SettingSource | undefined }>>;

/** What login and whoami print: where, as whom (the key masked), and the tenant the key belongs to. */
interface Identity {
  endpoint: string;
  key: string;
  keySource?: SettingSource;
  services: ServiceEndpoints;
  tenant: Tenant;
  configFile?: string;
}

function renderIdentity(identity: Identity): string {
  return renderRecord([
    ['endpoint', identity.endpoint],
    ...ENDPOINT_SERVICES.map((service) => {
      const found = identity.services[service];
      const { option, environment } = SERVICE_ENDPOINTS[service];
      return [
        `${service} endpoint`,
        found === undefined
          ? `- (not set: tessera login ${option} <url>, or ${environment})`
          : `${found.endpoint}${found.source ? ` (from ${found.source})` : ''}`,
      ] as const;
    }),
    ['key', identity.keySource ? `${identity.key} (from ${identity.keySource})` : identity.key],
    ['tenant', `${identity.tenant.name} (${identity.tenant.id})`],
    ['status', identity.tenant.status],
    ['since', formatTime(identity.tenant.createdAt)],
    ...(identity.configFile ? [['saved to', identity.configFile] as const] : []),
  ]);
}

/** The services' URLs in force (options, environment, config file), each with where it came from. */
function serviceEndpoints(
  overrides: ConnectionOverrides,
  env: Record<string, string | undefined>,
  stored: StoredConfig | undefined,
): ServiceEndpoints {
  const found: ServiceEndpoints = {};
  for (const service of ENDPOINT_SERVICES) {
    const resolved = resolveServiceEndpoint(service, overrides, env, stored);
    if (resolved) found[service] = resolved;
  }
  return found;
}

/** `{tokenEndpoint, pinsEndpoint}` (null when not set), as the JSON answers carry them, with their sources if asked. */
function endpointFields(services: ServiceEndpoints, withSources: boolean): Record<string, string | null> {
  const fields: Record<string, string | null> = {};
  for (const service of ENDPOINT_SERVICES) {
    const { setting } = SERVICE_ENDPOINTS[service];
    fields[setting] = services[service]?.endpoint ?? null;
    if (withSources) fields[`${setting}Source`] = services[service]?.source ?? null;
  }
  return fields;
}

export function authCommands(program: Command, cli: CliContext): void {
  program
    .command('login')
    .description(
      'check an API key against the endpoint, then store both (and the token and pins service URLs) in the config file (mode 0600)',
    )
    .option('--key-stdin', 'read the key from stdin, so it stays out of shell history')
    .addHelpText(
      'after',
      '\nThe key comes from --key-stdin, --key, or TESSERA_API_KEY; the endpoint from --endpoint, TESSERA_ENDPOINT,\n' +
        'the config file, or http://localhost:3001; the token service URL (for the token and signing-key commands)\n' +
        'from --token-endpoint, TESSERA_TOKEN_ENDPOINT or the config file; the pins service URL (for the pins\n' +
        'commands) from --pins-endpoint, TESSERA_PINS_ENDPOINT or the config file. Example:\n' +
        '  printf %s "$KEY" | tessera login --endpoint https://tessera.example.com \\\n' +
        '    --token-endpoint https://tokens.tessera.example.com --pins-endpoint https://pins.tessera.example.com \\\n' +
        '    --key-stdin',
    )
    .action(async (options: { keyStdin?: boolean }) => {
      const { io, printer, store } = cli;
      const globals = cli.globals;
      if (globals.key && options.keyStdin) throw new UsageError('give the key with --key or --key-stdin, not both');
      let key: string | undefined;
      let from = '--key';
      if (options.keyStdin) [key, from] = [(await io.readStdin()).trim(), 'the key read from stdin'];
      else if (globals.key) key = globals.key;
      else if (io.env.TESSERA_API_KEY) [key, from] = [io.env.TESSERA_API_KEY, 'TESSERA_API_KEY'];
      if (!key) {
        throw new UsageError('no key given', ['pipe it in with --key-stdin, or pass --key, or set TESSERA_API_KEY']);
      }
      if (keyIdOf(key) === undefined) throw new UsageError(`${from} is not a Tessera API key (expected ${KEY_FORMAT})`);
      // A broken config file is about to be replaced: it must not stop the login that fixes it.
      const stored = await store.read().catch(() => undefined);
      const { endpoint } = resolveEndpoint({ endpoint: globals.endpoint }, io.env, stored);
      // Kept from an earlier login when not given again: logging in anew should not lose them.
      const services = serviceEndpoints(globals, io.env, stored);
      for (const url of [endpoint, ...Object.values(services).map((found) => found.endpoint)]) {
        if (plainHttpToAnotherHost(url)) {
          printer.warn(`${url} is plain http: the key crosses the network unencrypted; use https`);
        }
      }
      // Only the registration service checks the key: the token and pins services learn a new key a moment after it
      // is made (by event), so checking there could refuse a login that is right.
      const tenant = await cli.clientFor(endpoint, key).currentTenant();
      const written: StoredConfig = { endpoint, apiKey: key };
      for (const service of ENDPOINT_SERVICES) {
        const found = services[service];
        if (found) written[SERVICE_ENDPOINTS[service].setting] = found.endpoint;
      }
      await store.write(written);
      // Without their sources: whatever they came from, they are stored now.
      const saved: ServiceEndpoints = {};
      for (const service of ENDPOINT_SERVICES) {
        const found = services[service];
        if (found) saved[service] = { endpoint: found.endpoint };
      }
      printer.result(
        { endpoint, ...endpointFields(services, false), key: maskKey(key), configFile: store.path, tenant },
        `logged in\n${renderIdentity({ endpoint, key: maskKey(key), services: saved, tenant, configFile: store.path })}`,
      );
      if (globals.key) printer.warn('a key given with --key stays in your shell history; prefer --key-stdin');
      if (io.env.TESSERA_API_KEY && io.env.TESSERA_API_KEY !== key) {
        printer.warn('TESSERA_API_KEY is set and takes precedence over the stored key');
      }
    });

  program
    .command('logout')
    .description('delete the config file holding the endpoint and key')
    .action(async () => {
      const { io, printer, store } = cli;
      const removed = await store.remove();
      printer.result(
        { configFile: store.path, removed },
        removed ? `logged out: deleted ${store.path}` : `not logged in: there is no ${store.path}`,
      );
      if (io.env.TESSERA_API_KEY) printer.warn('TESSERA_API_KEY is still set in this environment and will be used');
    });

  program
    .command('whoami')
    .description('show the endpoints, the key in use (masked) and its tenant')
    .action(async () => {
      const connection = await cli.connection();
      const services: ServiceEndpoints = {};
      for (const service of ENDPOINT_SERVICES) {
        const found = await cli.serviceEndpoint(service);
        if (found) services[service] = found;
      }
      const tenant = await cli.clientFor(connection.endpoint, connection.key).currentTenant();
      const key = maskKey(connection.key);
      cli.printer.result(
        {
          endpoint: connection.endpoint,
          ...endpointFields(services, true),
          key,
          keySource: connection.keySource,
          tenant,
        },
        renderIdentity({ endpoint: connection.endpoint, key, keySource: connection.keySource, services, tenant }),
      );
    });
}

function plainHttpToAnotherHost(endpoint: string): boolean {
  const url = new URL(endpoint);
  return url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}
