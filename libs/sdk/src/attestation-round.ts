import {
  type AppMeasurement,
  AppMeasurementSchema,
  AttestResponseSchema,
  ChallengeResponseSchema,
  type SdkEvidencePayload,
} from '@tessera/contracts';
import { signSdkEvidence } from '@tessera/evidence';
import {
  type DeviceReport,
  DeviceReportSchema,
  type AppMeasurementProvider,
  type DeviceSignalProvider,
} from './device-signals';
import { TesseraError } from './errors';
import type { InstallationKey } from './installation-key';
import { describeIssues } from './issues';
import { postToService, type ServiceConnection } from './service-request';
import type { CachedToken } from './token-cache';

export interface AttestationRoundContext {
  connection: ServiceConnection;
  tenant: string;
  appId: string;
  sdkVersion: string;
  refreshBeforeExpirySeconds: number;
  installationKey: () => Promise<InstallationKey>;
  measurement: AppMeasurementProvider;
  deviceSignals: DeviceSignalProvider;
}

/**
 * One attestation: the challenge (while the key, the measurement and the device report are gathered), the evidence
 * signed with the installation key, the attest answer. The token is timed by its lifetime from the moment the
 * evidence was sent, on the client's clock, so a device clock that is off does not matter; it is refreshed
 * `refreshBeforeExpirySeconds` before that (at most half its lifetime before, so a short-lived token is still reused).
 */
export async function attestOnce(context: AttestationRoundContext, binding?: string): Promise<CachedToken> {
  const { connection, tenant, appId } = context;
  const [challenge, key, app, device] = await Promise.all([
    postToService(connection, 'challenge', { tenant, appId }, ChallengeResponseSchema),
    context.installationKey(),
    measure(context.measurement),
    report(context.deviceSignals),
  ]);
  const payload: SdkEvidencePayload = {
    tenant,
    appId,
    nonce: challenge.nonce,
    iat: Math.floor(connection.now() / 1000),
    app,
    device: { signals: device.signals, sdkVersion: context.sdkVersion, ...(device.os && { os: device.os }) },
    ...(binding !== undefined && { binding }),
  };
  const evidence = await signSdkEvidence(payload, key);
  const sentAt = connection.now();
  const answer = await postToService(connection, 'attest', { evidence }, AttestResponseSchema);
  const expiresAt = sentAt + answer.lifetimeSeconds * 1000;
  const margin = Math.min(context.refreshBeforeExpirySeconds * 1000, answer.lifetimeSeconds * 500);
  const token = Object.freeze({
    token: answer.token,
    expiresAt: answer.expiresAt,
    lifetimeSeconds: answer.lifetimeSeconds,
    pinConfigVersion: answer.pinConfigVersion,
    ...(answer.reasons && { reasons: Object.freeze([...answer.reasons]) }),
    ...(binding !== undefined && { binding }),
  });
  return { token, expiresAt, refreshAt: expiresAt - margin };
}

async function measure(provider: AppMeasurementProvider): Promise<AppMeasurement> {
  let measurement: unknown;
  try {
    measurement = await provider();
  } catch (cause) {
    throw new TesseraError('measurement', 'the app measurement provider failed', { cause });
  }
  const parsed = AppMeasurementSchema.safeParse(measurement);
  if (!parsed.success)
    throw new TesseraError('measurement', `the app measurement is invalid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

async function report(provider: DeviceSignalProvider): Promise<DeviceReport> {
  let deviceReport: unknown;
  try {
    deviceReport = await provider();
  } catch (cause) {
    throw new TesseraError('device-signals', 'the device signal provider failed', { cause });
  }
  const parsed = DeviceReportSchema.safeParse(deviceReport);
  if (!parsed.success) {
    throw new TesseraError('device-signals', `the device report is invalid: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}
