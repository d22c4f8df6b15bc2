import { z } from 'zod';
import { TenantIdSchema } from '../envelope';
import { SdkEvidencePayloadSchema } from '../attestation/sdk-exchange';
import { DomainPatternSchema, PinSchema } from './pin-shapes';

/** Certificates of the served chain a report carries at most (a real chain has 2 to 4). */
export const MAX_REPORTED_CERTIFICATES = 10;
/** The longest certificate a report carries, in characters as written (PEM or base64 DER): 8 KiB. */
export const MAX_REPORTED_CERTIFICATE_LENGTH = 8192;
/**
 * The longest `POST /v1/pins/report` body accepted, in bytes: ten certificates of 8 KiB and the rest. The service's
 * body limit, so an oversized report is refused before it is parsed.
 */
export const MAX_PIN_VIOLATION_REPORT_LENGTH = 96 * 1024;

const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?$/;
const BASE64_DER = /^[A-Za-z0-9+/]+={0,2}$/;

/** A certificate as the SDK saw it served: PEM, or its DER in standard base64. */
export const ReportedCertificateSchema = z
  .string()
  .min(1)
  .max(MAX_REPORTED_CERTIFICATE_LENGTH, `a certificate is at most ${MAX_REPORTED_CERTIFICATE_LENGTH} characters`)
  .refine(
    (value) => PEM_CERTIFICATE.test(value) || (BASE64_DER.test(value) && value.length % 4 === 0),
    'expected a certificate in PEM or as base64 DER',
  );

/** A host name as connected to: lower case, no trailing dot, no wildcard (an IP address is never pinned). */
const HostNameSchema = z
  .string()
  .max(253)
  .regex(
    /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'expected a lower-case host name such as api.example.com',
  );

/**
 * `POST /v1/pins/report`: what the SDK sends when a host's served chain holds none of the pins its config expects
 * for it. Strict and bounded: it comes from devices, unauthenticated (a device refused by pinning may have no token
 * to send), so nothing in it is trusted, only stored, counted and shown.
 */
export const PinViolationReportSchema = z.strictObject({
  tenant: TenantIdSchema,
  appId: z.uuid(),
  /** The installation id (the RFC 7638 thumbprint of the installation key, base64url). */
  installationId: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected an installation id: 43 characters of base64url'),
  sdkVersion: SdkEvidencePayloadSchema.shape.device.shape.sdkVersion,
  hostname: HostNameSchema,
  port: z.number().int().min(1).max(65_535),
  /** The pattern of the config that covers the host, and the pins it expects (one of them must be served). */
  pattern: DomainPatternSchema,
  expectedPins: z.array(PinSchema).min(1).max(20),
  /** The pins of the served chain as the SDK computed them, leaf first. */
  servedPins: z.array(PinSchema).max(MAX_REPORTED_CERTIFICATES),
  /** The served chain, leaf first. */
  servedChain: z.array(ReportedCertificateSchema).min(1).max(MAX_REPORTED_CERTIFICATES),
  configVersion: z.number().int().nonnegative(),
  /** When the connection was refused, on the device's clock. */
  occurredAt: z.iso.datetime({ offset: true }),
});
export type PinViolationReport = z.output<typeof PinViolationReportSchema>;
