import type { Command } from 'commander';
import type { Tenant } from '../api/views';
import type { CliContext } from '../cli-context';
import { resolveEndpoint, resolveTokenEndpoint, type SettingSource } from '../config/connection';
import { KEY_FORMAT, keyIdOf, maskKey } from '../config/mask-key';
import { UsageError } from '../errors';
import { formatTime } from '../output/format';
import { renderRecord } from '../output/table';

/** What login and whoami print: where, as whom (the key masked), and the tenant the key belongs to. */
interface Identity {
  endpoint: string;
  key: string;
  keySource?: SettingSource;
  tokenEndpoint: string | undefined;
  tokenEndpointSource?: SettingSource | undefined;
  tenant: Tenant;
  configFile?: string;
}

function renderIdentity(identity: Identity): string {
  const { tokenEndpoint, tokenEndpointSource } = identity;
  return renderRecord([
    ['endpoint', identity.endpoint],
    [
      'token endpoint',
      tokenEndpoint === undefined
        ? '- (not set: tessera login --token-endpoint <url>, or TESSERA_TOKEN_ENDPOINT)'
        : `${tokenEndpoint}${tokenEndpointSource ? ` (from ${tokenEndpointSource})` : ''}`,
    ],
    ['key', identity.keySource ? `${identity.key} (from ${identity.keySource})` : identity.key],
    ['tenant', `${identity.tenant.name} (${identity.tenant.id})`],
    ['status', identity.tenant.status],
    ['since', formatTime(identity.tenant.createdAt)],
    ...(identity.configFile ? [['saved to', identity.configFile] as const] : []),
  ]);
}

export function authCommands(program: Command, cli: CliContext): void {
  program
    .command('login')
    .description(
      'check an API key against the endpoint, then store both (and the token service URL) in the config file (mode 0600)',
    )
    .option('--key-stdin', 'read the key from stdin, so it stays out of shell history')
    .addHelpText(
      'after',
      '\nThe key comes from --key-stdin, --key, or TESSERA_API_KEY; the endpoint from --endpoint, TESSERA_ENDPOINT,\n' +
        'the config file, or http://localhost:3001; the token service URL (for the token and signing-key commands)\n' +
        'from --token-endpoint, TESSERA_TOKEN_ENDPOINT or the config file. Example:\n' +
        '  printf %s "$KEY" | tessera login --endpoint https://tessera.example.com \\\n' +
        '    --token-endpoint https://tokens.tessera.example.com --key-stdin',
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
      // Kept from an earlier login when not given again: logging in anew should not lose it.
      const token = resolveTokenEndpoint({ tokenEndpoint: globals.tokenEndpoint }, io.env, stored);
      for (const url of [endpoint, token?.tokenEndpoint]) {
        if (url !== undefined && plainHttpToAnotherHost(url)) {
          printer.warn(`${url} is plain http: the key crosses the network unencrypted; use https`);
        }
      }
      // Only the registration service checks the key: the token service learns a new key a moment after it is
      // made (by event), so checking there could refuse a login that is right.
      const tenant = await cli.clientFor(endpoint, key).currentTenant();
      const tokenEndpoint = token?.tokenEndpoint;
      await store.write(tokenEndpoint ? { endpoint, apiKey: key, tokenEndpoint } : { endpoint, apiKey: key });
      printer.result(
        { endpoint, tokenEndpoint: tokenEndpoint ?? null, key: maskKey(key), configFile: store.path, tenant },
        `logged in\n${renderIdentity({ endpoint, key: maskKey(key), tokenEndpoint, tenant, configFile: store.path })}`,
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
      const token = await cli.tokenEndpoint();
      const tenant = await cli.clientFor(connection.endpoint, connection.key).currentTenant();
      const key = maskKey(connection.key);
      cli.printer.result(
        {
          endpoint: connection.endpoint,
          tokenEndpoint: token?.tokenEndpoint ?? null,
          tokenEndpointSource: token?.source ?? null,
          key,
          keySource: connection.keySource,
          tenant,
        },
        renderIdentity({
          endpoint: connection.endpoint,
          key,
          keySource: connection.keySource,
          tokenEndpoint: token?.tokenEndpoint,
          tokenEndpointSource: token?.source,
          tenant,
        }),
      );
    });
}

function plainHttpToAnotherHost(endpoint: string): boolean {
  const url = new URL(endpoint);
  return url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}
