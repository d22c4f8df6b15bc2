import {
  type AppMeasurement,
  type DeviceSignals,
  DeviceSignalsSchema,
  SdkEvidencePayloadSchema,
} from '@tessera/contracts';
import { z } from 'zod';

/** The operating system as the evidence reports it. */
export interface DeviceOs {
  name: 'android' | 'ios';
  version: string;
}

/** What the device's own checks found, gathered anew for each attestation (the app supplies the checks). */
export interface DeviceReport {
  signals: DeviceSignals;
  os?: DeviceOs;
}

/** A device report as the evidence contract takes it. */
export const DeviceReportSchema = z.strictObject({
  signals: DeviceSignalsSchema,
  os: SdkEvidencePayloadSchema.shape.device.shape.os,
});

/** The app's device checks: rooted/jailbroken, emulator, debugger, hooking frameworks, proxy, user-installed CA. */
export type DeviceSignalProvider = () => Promise<DeviceReport>;

/** How the app measures itself (package or bundle, signing certificates, version), when not a fixed value. */
export type AppMeasurementProvider = () => Promise<AppMeasurement>;
