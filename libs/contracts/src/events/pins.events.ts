import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { EventTimeSchema } from '../identifiers';
import { MAX_REPORTED_CERTIFICATES, PinViolationReportSchema } from '../pins/pin-violation-report';
import {
  DomainPatternSchema,
  DomainPinSchema,
  PinModeSchema,
  PinnedCertificateSchema,
  PinSchema,
} from '../pins/pin-shapes';
import { DeviceIdSchema } from '../tokens';
import { Topics } from '../topics';

/**
 * A protected API domain of a tenant and the pins its apps must enforce for it: the pins service's state, from which
 * every pins node (and the integrity service, for the config version) builds each app's signed pin config.
 */
export const ProtectedDomainUpsertedV1 = defineEvent({
  type: 'protected-domain.upserted',
  version: 1,
  topic: Topics.pins,
  description: 'a protected API domain and its pin set, latest state (a tombstone on its key removes it)',
  schema: z.object({
    domainId: z.uuid(),
    pattern: DomainPatternSchema,
    port: z.number().int().min(1).max(65_535),
    mode: PinModeSchema,
    /** The apps whose config carries the domain; null: every app of the tenant. */
    appIds: z.array(z.uuid()).max(500).nullable(),
    pins: z.array(DomainPinSchema).min(1).max(20),
    /** Grows with every change of the domain: a config's version is derived from its domains'. */
    revision: z.number().int().positive(),
    createdAt: EventTimeSchema,
    updatedAt: EventTimeSchema,
  }),
  key: (tenant, data) => `${tenant}/protected-domain/${data.domainId}`,
});

/** The most protected domains a tenant can have: what one pin-config-version event can name. */
export const MAX_DOMAINS_PER_TENANT = 2000;

/**
 * The version of a tenant's pin configs: it grows with every change of the tenant's protected domains, in the same
 * transaction, so every pins node signs the same version for the same pins, and the integrity service tells the
 * SDK (`pinConfigVersion` in the attest answer) when to fetch a new config.
 */
export const PinConfigVersionUpsertedV1 = defineEvent({
  type: 'pin-config-version.upserted',
  version: 1,
  topic: Topics.pins,
  description: "the version of a tenant's pin configs, raised with every change of its protected domains",
  schema: z.object({
    version: z.number().int().positive(),
    changedAt: EventTimeSchema,
    /**
     * Every protected domain of the tenant at this version, id → revision. The domains' events travel on other
     * partitions, so a node can hold the version before the pins it stands for: it serves a version only once its
     * domains are exactly these. Optional (added within v1): without it a node serves the version at once.
     */
    domainRevisions: z
      .record(z.uuid(), z.number().int().positive())
      .refine((revisions) => Object.keys(revisions).length <= MAX_DOMAINS_PER_TENANT, {
        message: `at most ${MAX_DOMAINS_PER_TENANT} protected domains per tenant`,
      })
      .optional(),
  }),
  key: (tenant) => `${tenant}/pin-config-version/${tenant}`,
});

/** A certificate of a reported served chain as the pins service keeps it: its key's pin and who it names. */
export const ReportedChainCertificateSchema = z.object({
  /** Computed by the pins service from the certificate, not taken from the report. */
  pin: PinSchema,
  certificate: PinnedCertificateSchema,
});
export type ReportedChainCertificate = z.output<typeof ReportedChainCertificateSchema>;

const report = PinViolationReportSchema.shape;

/**
 * A pin-violation report the pins service accepted (`POST /v1/pins/report`): an app's TLS connection was refused
 * because the host served none of the pins its config expects — a MitM, or a certificate changed without a
 * rotation. Append-only, for alerting and audit. What the device says is kept as `claimed`; only a valid Tessera
 * token sent with the report makes the app and device `verified`.
 */
export const PinViolationReportedV1 = defineEvent({
  type: 'pin-violation.reported',
  version: 1,
  topic: Topics.pinViolations,
  description: 'an SDK report of a host serving a chain without the expected pins (append-only)',
  schema: z.object({
    reportId: z.uuid(),
    appId: z.uuid(),
    /** `verified`: a valid Tessera token of this app came with the report; `claimed`: the device says so. */
    identity: z.enum(['verified', 'claimed']),
    installationId: report.installationId,
    /** The device of the verified token; null when the identity is only claimed. */
    deviceId: DeviceIdSchema.nullable(),
    sdkVersion: report.sdkVersion,
    hostname: report.hostname,
    port: report.port,
    pattern: report.pattern,
    expectedPins: report.expectedPins,
    /** The served chain, leaf first. */
    servedChain: z.array(ReportedChainCertificateSchema).min(1).max(MAX_REPORTED_CERTIFICATES),
    configVersion: report.configVersion,
    /** On the device's clock. */
    occurredAt: report.occurredAt,
    receivedAt: EventTimeSchema,
    clientIp: z.string().max(64).nullable(),
  }),
  key: (tenant, data) => `${tenant}/${data.appId}`,
});

/**
 * A rotation of some of a domain's pins, its latest state: the pins it adds and retires and when each step
 * happened. Its state at a given time (scheduled, waiting, ...) follows from these times (`rotationState` in
 * libs/pins), so the event is not re-sent as time passes.
 */
export const PinRotationUpsertedV1 = defineEvent({
  type: 'pin-rotation.upserted',
  version: 1,
  topic: Topics.pins,
  description: "a rotation of a protected domain's pins, latest state",
  schema: z.object({
    rotationId: z.uuid(),
    domainId: z.uuid(),
    newPins: z.array(DomainPinSchema).min(1).max(20),
    retirePins: z.array(PinSchema).min(1).max(20),
    /** When publishing may start: the time it was scheduled for, or when it was planned. */
    startsAt: EventTimeSchema,
    /** The wait between publishing and retiring: the longest lifetime of a config an app may hold. */
    maxConfigLifetimeSeconds: z.number().int().positive(),
    publishedAt: EventTimeSchema.nullable(),
    /** publishedAt plus the wait: the old pins may be retired from then on. */
    retireAllowedAt: EventTimeSchema.nullable(),
    switchedAt: EventTimeSchema.nullable(),
    retiredAt: EventTimeSchema.nullable(),
    cancelledAt: EventTimeSchema.nullable(),
    /** Replaced at once for a compromised key, without the wait. */
    emergency: z.boolean(),
    createdAt: EventTimeSchema,
    updatedAt: EventTimeSchema,
  }),
  key: (tenant, data) => `${tenant}/pin-rotation/${data.rotationId}`,
});
