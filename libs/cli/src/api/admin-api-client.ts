import { randomUUID } from 'node:crypto';
import { NoServiceEndpointError } from '../errors';
import { SERVICE_ENDPOINTS } from '../config/service-endpoints';
import type {
  CreateDomainBody,
  EmergencyReplaceBody,
  ListPinReportsQuery,
  PlanRotationBody,
  RetireBody,
} from './pins-requests';
import type {
  EmergencyReplacement,
  InitialPinConfig,
  PinRotation,
  PinViolation,
  ProtectedDomain,
  RetiredRotation,
} from './pins-views';
import { ApiError, type Service, EndpointUnreachableError, UnexpectedAnswerError } from './api-errors';
import type {
  ApkUploadQuery,
  AuditQuery,
  CreateAppBody,
  CreateDeviceOverrideBody,
  CreateKeyBody,
  CreatePolicyBody,
  CreateRegistrationBody,
  CreateRevocationBody,
  CreateTeamBody,
  InspectTokenBody,
  ListAppsQuery,
  ListDeviceOverridesQuery,
  ListKeysQuery,
  ListRegistrationsQuery,
  ListRevocationsQuery,
  ListSecureStringsQuery,
  RevokeSigningKeyBody,
  RotateSigningKeysBody,
  UpdatePolicyBody,
  UpdateSigningSettingsBody,
  UpdateTeamBody,
} from './requests';
import type {
  ApiKey,
  App,
  AuditEntry,
  CreatedApiKey,
  DeviceOverride,
  Page,
  PageQuery,
  Policy,
  PolicyPresets,
  Registration,
  Revocation,
  SecureString,
  SigningKey,
  SigningKeyList,
  SigningKeySecret,
  SigningSettings,
  Team,
  Tenant,
  TokenInspection,
} from './views';

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Uploads of large APKs take longer than any other request. */
export const DEFAULT_UPLOAD_TIMEOUT_MS = 600_000;

export interface AdminApiClientOptions {
  /** Base URL of the registration service, e.g. http://localhost:3001 (a path prefix is kept). */
  endpoint: string;
  /** The API key, sent as `Authorization: Bearer <key>` to both services; never logged or printed. */
  key: string;
  /**
   * Base URL of the token service, e.g. http://localhost:3003; without it the token service's methods fail with a
   * NoServiceEndpointError before sending anything.
   */
  tokenEndpoint?: string | undefined;
  /** Base URL of the pins service, e.g. http://localhost:3004; the same without it. */
  pinsEndpoint?: string | undefined;
  timeoutMs?: number;
  uploadTimeoutMs?: number;
  fetch?: typeof fetch;
}

/** A request body streamed from somewhere else (a file), never held whole in memory. */
export interface Upload {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  length?: number;
}

type QueryValues = Record<string, string | number | undefined>;

interface RequestOptions {
  /** Which service answers; the registration service by default. */
  service?: Service;
  query?: QueryValues;
  json?: unknown;
  upload?: Upload;
}

/**
 * A typed client of the admin REST APIs (docs/admin-api.md): the registration service's, and the token service's
 * (signing keys, token inspection) at a second base URL. Both take the same API keys.
 */
export class AdminApiClient {
  readonly endpoint: string;
  readonly tokenEndpoint: string | undefined;
  readonly pinsEndpoint: string | undefined;
  private readonly key: string;
  private readonly timeoutMs: number;
  private readonly uploadTimeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(options: AdminApiClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.tokenEndpoint = options.tokenEndpoint?.replace(/\/+$/, '');
    this.pinsEndpoint = options.pinsEndpoint?.replace(/\/+$/, '');
    this.key = options.key;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  // Tenant
  currentTenant = () => this.json<Tenant>('GET', '/v1/tenants/current');
  renameTenant = (name: string) => this.json<Tenant>('PATCH', '/v1/tenants/current', { json: { name } });

  // Teams
  listTeams = (query: PageQuery = {}) => this.json<Page<Team>>('GET', '/v1/teams', { query: { ...query } });
  createTeam = (body: CreateTeamBody) => this.json<Team>('POST', '/v1/teams', { json: body });
  getTeam = (teamId: string) => this.json<Team>('GET', `/v1/teams/${segment(teamId)}`);
  updateTeam = (teamId: string, body: UpdateTeamBody) =>
    this.json<Team>('PATCH', `/v1/teams/${segment(teamId)}`, { json: body });
  deleteTeam = (teamId: string) => this.noContent('DELETE', `/v1/teams/${segment(teamId)}`);

  // API keys
  listKeys = (query: ListKeysQuery = {}) => this.json<Page<ApiKey>>('GET', '/v1/keys', { query: { ...query } });
  createKey = (body: CreateKeyBody) => this.json<CreatedApiKey>('POST', '/v1/keys', { json: body });
  getKey = (keyId: string) => this.json<ApiKey>('GET', `/v1/keys/${segment(keyId)}`);
  revokeKey = (keyId: string) => this.json<ApiKey>('POST', `/v1/keys/${segment(keyId)}/revoke`);

  // Apps
  listApps = (query: ListAppsQuery = {}) => this.json<Page<App>>('GET', '/v1/apps', { query: { ...query } });
  createApp = (body: CreateAppBody) => this.json<App>('POST', '/v1/apps', { json: body });
  getApp = (appId: string) => this.json<App>('GET', `/v1/apps/${segment(appId)}`);
  renameApp = (appId: string, name: string) =>
    this.json<App>('PATCH', `/v1/apps/${segment(appId)}`, { json: { name } });
  deleteApp = (appId: string) => this.noContent('DELETE', `/v1/apps/${segment(appId)}`);
  /** policyId null: the built-in default policy. */
  setAppPolicy = (appId: string, policyId: string | null) =>
    this.json<App>('PUT', `/v1/apps/${segment(appId)}/policy`, { json: { policyId } });

  // Registrations
  listRegistrations = (query: ListRegistrationsQuery = {}) =>
    this.json<Page<Registration>>('GET', '/v1/registrations', { query: { ...query } });
  createRegistration = (body: CreateRegistrationBody) =>
    this.json<Registration>('POST', '/v1/registrations', { json: body });
  uploadApk = (upload: Upload, query: ApkUploadQuery = {}) =>
    this.json<Registration>('POST', '/v1/registrations/apk', { upload, query: { ...query } });
  getRegistration = (registrationId: string) =>
    this.json<Registration>('GET', `/v1/registrations/${segment(registrationId)}`);
  deleteRegistration = (registrationId: string) =>
    this.noContent('DELETE', `/v1/registrations/${segment(registrationId)}`);

  // Secure strings
  listSecureStrings = (appId: string, query: ListSecureStringsQuery = {}) =>
    this.json<Page<SecureString>>('GET', `/v1/apps/${segment(appId)}/secure-strings`, { query: { ...query } });
  /** Creates (201) or replaces (200, version + 1) the value; the answer never holds it. */
  setSecureString = (appId: string, name: string, value: string) =>
    this.json<SecureString>('PUT', `/v1/apps/${segment(appId)}/secure-strings/${segment(name)}`, {
      json: { value },
    });
  deleteSecureString = (appId: string, name: string) =>
    this.noContent('DELETE', `/v1/apps/${segment(appId)}/secure-strings/${segment(name)}`);

  // Policies
  policyPresets = () => this.json<PolicyPresets>('GET', '/v1/policies/presets');
  listPolicies = (query: PageQuery = {}) => this.json<Page<Policy>>('GET', '/v1/policies', { query: { ...query } });
  createPolicy = (body: CreatePolicyBody) => this.json<Policy>('POST', '/v1/policies', { json: body });
  getPolicy = (policyId: string) => this.json<Policy>('GET', `/v1/policies/${segment(policyId)}`);
  updatePolicy = (policyId: string, body: UpdatePolicyBody) =>
    this.json<Policy>('PATCH', `/v1/policies/${segment(policyId)}`, { json: body });
  deletePolicy = (policyId: string) => this.noContent('DELETE', `/v1/policies/${segment(policyId)}`);

  // Device overrides
  listDeviceOverrides = (query: ListDeviceOverridesQuery = {}) =>
    this.json<Page<DeviceOverride>>('GET', '/v1/device-overrides', { query: { ...query } });
  createDeviceOverride = (body: CreateDeviceOverrideBody) =>
    this.json<DeviceOverride>('POST', '/v1/device-overrides', { json: body });
  getDeviceOverride = (overrideId: string) =>
    this.json<DeviceOverride>('GET', `/v1/device-overrides/${segment(overrideId)}`);
  deleteDeviceOverride = (overrideId: string) =>
    this.noContent('DELETE', `/v1/device-overrides/${segment(overrideId)}`);

  // Revocations
  listRevocations = (query: ListRevocationsQuery = {}) =>
    this.json<Page<Revocation>>('GET', '/v1/revocations', { query: { ...query } });
  createRevocation = (body: CreateRevocationBody) => this.json<Revocation>('POST', '/v1/revocations', { json: body });
  getRevocation = (revocationId: string) => this.json<Revocation>('GET', `/v1/revocations/${segment(revocationId)}`);
  /** Lifts the revocation. */
  deleteRevocation = (revocationId: string) => this.noContent('DELETE', `/v1/revocations/${segment(revocationId)}`);

  // Audit log
  audit = (query: AuditQuery = {}) => this.json<Page<AuditEntry>>('GET', '/v1/audit', { query: { ...query } });

  // Signing keys (token service)
  /** Newest first. */
  listSigningKeys = () => this.json<SigningKeyList>('GET', '/v1/signing-keys', { service: 'token' });
  getSigningKey = (kid: string) =>
    this.json<SigningKey>('GET', `/v1/signing-keys/${segment(kid)}`, { service: 'token' });
  /** The next key signs from now; 409 while it has been published for less than the publish lead, unless forced. */
  rotateSigningKeys = (body: RotateSigningKeysBody = {}) =>
    this.json<SigningKeyList>('POST', '/v1/signing-keys/rotate', { service: 'token', json: body });
  revokeSigningKey = (kid: string, body: RevokeSigningKeyBody) =>
    this.json<SigningKey>('POST', `/v1/signing-keys/${segment(kid)}/revoke`, { service: 'token', json: body });
  /** HS256 keys only (409 otherwise); admins only, and audited. */
  signingKeySecret = (kid: string) =>
    this.json<SigningKeySecret>('GET', `/v1/signing-keys/${segment(kid)}/secret`, { service: 'token' });
  signingSettings = () => this.json<SigningSettings>('GET', '/v1/signing-settings', { service: 'token' });
  updateSigningSettings = (body: UpdateSigningSettingsBody) =>
    this.json<SigningSettings>('PUT', '/v1/signing-settings', { service: 'token', json: body });

  // Token inspection (token service)
  /** 200 whether the token is valid or not: the answer says which, and why. */
  inspectToken = (body: InspectTokenBody) =>
    this.json<TokenInspection>('POST', '/v1/tokens/inspect', { service: 'token', json: body });

  // Protected domains, rotations, reports and the initial config (pins service)
  listDomains = () => this.json<{ items: ProtectedDomain[] }>('GET', '/v1/domains', { service: 'pins' });
  createDomain = (body: CreateDomainBody) =>
    this.json<ProtectedDomain>('POST', '/v1/domains', { service: 'pins', json: body });
  getDomain = (domainId: string) =>
    this.json<ProtectedDomain>('GET', `/v1/domains/${segment(domainId)}`, { service: 'pins' });
  deleteDomain = (domainId: string) =>
    this.noContent('DELETE', `/v1/domains/${segment(domainId)}`, { service: 'pins' });
  listRotations = (domainId: string) =>
    this.json<{ items: PinRotation[] }>('GET', `/v1/domains/${segment(domainId)}/rotations`, { service: 'pins' });
  planRotation = (domainId: string, body: PlanRotationBody) =>
    this.json<PinRotation>('POST', `/v1/domains/${segment(domainId)}/rotations`, { service: 'pins', json: body });
  getRotation = (rotationId: string) =>
    this.json<PinRotation>('GET', `/v1/rotations/${segment(rotationId)}`, { service: 'pins' });
  /** The old pins leave the set: refused (409) before the wait is over or when the served chain would not match. */
  retireRotation = (rotationId: string, body: RetireBody = {}) =>
    this.json<RetiredRotation>('POST', `/v1/rotations/${segment(rotationId)}/retire`, { service: 'pins', json: body });
  cancelRotation = (rotationId: string) =>
    this.json<PinRotation>('POST', `/v1/rotations/${segment(rotationId)}/cancel`, { service: 'pins' });
  /** The set becomes `pins` at once, without the wait: for a compromised key; audited. */
  emergencyReplace = (domainId: string, body: EmergencyReplaceBody) =>
    this.json<EmergencyReplacement>('POST', `/v1/domains/${segment(domainId)}/emergency-replace`, {
      service: 'pins',
      json: body,
    });
  listPinReports = (query: ListPinReportsQuery = {}) =>
    this.json<Page<PinViolation>>('GET', '/v1/pin-reports', { service: 'pins', query: { ...query } });
  initialPinConfig = (appId: string) =>
    this.json<InitialPinConfig>('GET', `/v1/apps/${segment(appId)}/pins/initial-config`, { service: 'pins' });

  /** A request answered with a JSON body. */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { response, text, url } = await this.send(method, path, options);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new UnexpectedAnswerError(
        `${method} ${url} answered ${response.status} with something that is not JSON: is this the ${options.service ?? 'registration'} service?`,
      );
    }
  }

  /** A request answered without a body (204). */
  async noContent(method: string, path: string, options: RequestOptions = {}): Promise<void> {
    await this.send(method, path, options);
  }

  private baseOf(service: Service): string {
    if (service === 'registration') return this.endpoint;
    const base = service === 'token' ? this.tokenEndpoint : this.pinsEndpoint;
    if (base === undefined) throw new NoServiceEndpointError(service);
    return base;
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<{ response: Response; text: string; url: string }> {
    const service = options.service ?? 'registration';
    const base = this.baseOf(service);
    const url = base + path + queryString(options.query);
    const requestId = randomUUID();
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.key}`,
      'x-request-id': requestId,
    };
    let body: RequestInit['body'];
    if (options.upload) {
      headers['content-type'] = options.upload.contentType;
      if (options.upload.length !== undefined) headers['content-length'] = String(options.upload.length);
      body = options.upload.body;
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const timeoutMs = options.upload ? this.uploadTimeoutMs : this.timeoutMs;
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, {
        method,
        headers,
        body,
        // A redirect could carry the key to another host; the admin API never redirects.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        ...(options.upload ? { duplex: 'half' as const } : {}),
      });
      text = await response.text();
    } catch (error) {
      // A DOMException, which is not always an Error (realms): go by its name.
      const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
      throw new EndpointUnreachableError(base, timedOut ? timeoutMs : undefined, error, service);
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location') ?? 'elsewhere';
      throw new UnexpectedAnswerError(
        `${method} ${url} redirects (${response.status}) to ${location}: pass the final address as ${service === 'registration' ? '--endpoint' : SERVICE_ENDPOINTS[service].option}`,
      );
    }
    if (!response.ok) throw apiError(method, path, response, text, requestId, service);
    return { response, text, url };
  }
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

function queryString(query: QueryValues | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const encoded = params.toString();
  return encoded ? `?${encoded}` : '';
}

/**
 * Reads an error answer: `{statusCode, message, errors?, reason?, requestId}` plus, on some 409s, the id of what is
 * in the way (`revocationId`, `overrideId`); or whatever a proxy put there.
 */
function apiError(
  method: string,
  path: string,
  response: Response,
  text: string,
  sentRequestId: string,
  service: Service,
): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const body = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const message =
    typeof body.message === 'string'
      ? body.message
      : Array.isArray(body.message)
        ? body.message.map(String).join('; ')
        : `${response.status} ${response.statusText || 'error'}${text && !parsed ? `: ${text.slice(0, 200)}` : ''}`;
  const errors = Array.isArray(body.errors) ? body.errors.map(String) : [];
  const requestId =
    typeof body.requestId === 'string' ? body.requestId : (response.headers.get('x-request-id') ?? sentRequestId);
  const reason = typeof body.reason === 'string' ? body.reason : undefined;
  const ids = Object.fromEntries(
    Object.entries(body).filter(
      (entry): entry is [string, string] =>
        entry[0] !== 'requestId' && entry[0].endsWith('Id') && typeof entry[1] === 'string',
    ),
  );
  return new ApiError(method, path, response.status, message, errors, requestId, reason, ids, service);
}
