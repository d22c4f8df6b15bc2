import { CliError, NoServiceEndpointError, NotLoggedInError, UsageError } from '../errors';
import { ExitCode } from '../exit-codes';
import { KEY_FORMAT, keyIdOf } from './mask-key';
import type { StoredConfig } from './config-store';
import { ENDPOINT_SERVICES, type EndpointService, SERVICE_ENDPOINTS } from './service-endpoints';

export { ENDPOINT_SERVICES, type EndpointService, SERVICE_ENDPOINTS } from './service-endpoints';

export const DEFAULT_ENDPOINT = 'http://localhost:3001';

/** Where a setting came from, so `whoami` can say which one is in force. */
export type SettingSource = 'option' | 'environment' | 'config file' | 'default';

export interface Connection {
  endpoint: string;
  endpointSource: SettingSource;
  key: string;
  keySource: SettingSource;
}

export interface ConnectionOverrides {
  /** `--endpoint` */
  endpoint?: string;
  /** `--key` */
  key?: string;
  /** `--token-endpoint` */
  tokenEndpoint?: string;
  /** `--pins-endpoint` */
  pinsEndpoint?: string;
}

/** The URL settings: the registration service's, and one per other service. */
export type EndpointSetting = 'endpoint' | (typeof SERVICE_ENDPOINTS)[EndpointService]['setting'];

/** How a URL setting is named where it was given, for messages that say which one is wrong. */
function settingName(setting: EndpointSetting, source: Exclude<SettingSource, 'default'>): string {
  const service = ENDPOINT_SERVICE_OF[setting];
  if (service === undefined) {
    return { option: '--endpoint', environment: 'TESSERA_ENDPOINT', 'config file': 'the stored endpoint' }[source];
  }
  const { option, environment } = SERVICE_ENDPOINTS[service];
  return { option, environment, 'config file': `the stored ${service} endpoint` }[source];
}

const ENDPOINT_SERVICE_OF: Partial<Record<EndpointSetting, EndpointService>> = Object.fromEntries(
  ENDPOINT_SERVICES.map((service) => [SERVICE_ENDPOINTS[service].setting, service]),
);

/** The endpoint in force: `--endpoint`, then TESSERA_ENDPOINT, then the config file, then the local default. */
export function resolveEndpoint(
  overrides: ConnectionOverrides,
  env: Record<string, string | undefined>,
  stored: StoredConfig | undefined,
): { endpoint: string; source: SettingSource } {
  const [raw, source] = firstOf(overrides.endpoint, env.TESSERA_ENDPOINT, stored?.endpoint);
  if (raw === undefined) return { endpoint: DEFAULT_ENDPOINT, source: 'default' };
  return { endpoint: normaliseEndpoint(raw, source), source };
}

/**
 * A service's URL in force (`--token-endpoint`, then TESSERA_TOKEN_ENDPOINT, then the config file; the same for
 * pins); undefined when none is set.
 */
export function resolveServiceEndpoint(
  service: EndpointService,
  overrides: ConnectionOverrides,
  env: Record<string, string | undefined>,
  stored: StoredConfig | undefined,
): { endpoint: string; source: SettingSource } | undefined {
  const { setting, environment } = SERVICE_ENDPOINTS[service];
  const [raw, source] = firstOf(overrides[setting], env[environment], stored?.[setting]);
  if (raw === undefined) return undefined;
  return { endpoint: normaliseEndpoint(raw, source, setting), source };
}

/** Like resolveServiceEndpoint, for the commands that need it: none set is a usage error saying how to set it. */
export function requireServiceEndpoint(
  service: EndpointService,
  overrides: ConnectionOverrides,
  env: Record<string, string | undefined>,
  stored: StoredConfig | undefined,
): { endpoint: string; source: SettingSource } {
  const resolved = resolveServiceEndpoint(service, overrides, env, stored);
  if (!resolved) throw new NoServiceEndpointError(service);
  return resolved;
}

/** The endpoint and key in force, each by the same precedence; no key at all is "not logged in". */
export function resolveConnection(
  overrides: ConnectionOverrides,
  env: Record<string, string | undefined>,
  stored: StoredConfig | undefined,
): Connection {
  const { endpoint, source: endpointSource } = resolveEndpoint(overrides, env, stored);
  const [key, keySource] = firstOf(overrides.key, env.TESSERA_API_KEY, stored?.apiKey);
  if (key === undefined) throw new NotLoggedInError();
  checkKeyFormat(key, keySource);
  return { endpoint, endpointSource, key, keySource };
}

/** Refuses what cannot be a Tessera key before it is sent anywhere (the message never repeats the key). */
export function checkKeyFormat(key: string, source: SettingSource): void {
  if (keyIdOf(key) !== undefined) return;
  const where = {
    option: '--key',
    environment: 'TESSERA_API_KEY',
    'config file': 'the stored key',
    default: 'the key',
  };
  const message = `${where[source]} is not a Tessera API key (expected ${KEY_FORMAT})`;
  // A mistyped option is a usage error; a broken stored or exported key means there is no usable key.
  if (source === 'option') throw new UsageError(message);
  throw new CliError(message, ExitCode.notLoggedIn, ['run `tessera login` again, or fix TESSERA_API_KEY']);
}

/** An http(s) base URL without a trailing slash; a path prefix (behind a proxy) is kept. */
export function normaliseEndpoint(
  raw: string,
  source: SettingSource = 'option',
  setting: EndpointSetting = 'endpoint',
): string {
  const name = source === 'default' ? 'the endpoint' : settingName(setting, source);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(`${name} is not a URL: ${raw} (expected e.g. ${DEFAULT_ENDPOINT})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${name} must be an http:// or https:// URL: ${raw}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new UsageError(`${name} must be a plain base URL without query, fragment or credentials: ${url.origin}`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function firstOf(
  option: string | undefined,
  environment: string | undefined,
  stored: string | undefined,
): [string, SettingSource] | [undefined, undefined] {
  // An empty variable counts as unset, as shells make unsetting awkward.
  if (option) return [option, 'option'];
  if (environment) return [environment, 'environment'];
  if (stored) return [stored, 'config file'];
  return [undefined, undefined];
}
