import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { EventTimeSchema } from '../identifiers';
import { Topics } from '../topics';

/** How a kind of evidence counts: must be present and valid, checked when present, or not looked at. */
export const EVIDENCE_REQUIREMENTS = ['required', 'optional', 'ignored'] as const;
/** What a device signal does to the verdict: fail it, pass but record the reason, or nothing. */
export const SIGNAL_ACTIONS = ['reject', 'monitor', 'allow'] as const;
/** Android Key Attestation security levels, weakest first. */
export const SECURITY_LEVELS = ['software', 'trusted-environment', 'strongbox'] as const;

const evidence = z.enum(EVIDENCE_REQUIREMENTS);
const signal = z.enum(SIGNAL_ACTIONS);

/** The rules of a security policy: what evidence an attestation needs and what device signals cost. */
export const PolicyRulesSchema = z.strictObject({
  evidence: z.strictObject({
    /** The SDK's signed evidence (installation key, measurement, device signals). */
    sdk: evidence,
    /** Apple App Attest; applies to iOS apps only. */
    appleAppAttest: evidence,
    /** Android Key Attestation; applies to Android apps only. */
    androidKeyAttestation: evidence,
    /** Play Integrity; applies to Android apps only. */
    playIntegrity: evidence,
  }),
  signals: z.strictObject({
    rootedOrJailbroken: signal,
    emulator: signal,
    debugger: signal,
    hookingFramework: signal,
    proxy: signal,
    userInstalledCa: signal,
  }),
  /** The weakest Android Key Attestation security level accepted. */
  minimumSecurityLevel: z.enum(SECURITY_LEVELS),
  /** A semver range of SDK versions accepted, e.g. ">=1.4.0 <3"; "*" accepts every version. */
  sdkVersions: z.string().min(1).max(200),
  /** Lifetime of the tokens issued to the app, in seconds. */
  tokenLifetimeSeconds: z.number().int().min(30).max(86_400),
  /** Whether the app may be told why an attestation failed; by default it never is. */
  revealRejectionReasons: z.boolean(),
});
export type PolicyRules = z.output<typeof PolicyRulesSchema>;

/** A named security policy of a tenant; apps refer to it by id. */
export const PolicyUpsertedV1 = defineEvent({
  type: 'policy.upserted',
  version: 1,
  topic: Topics.policies,
  description: 'a security policy was created or changed; its latest rules (a tombstone on its key deletes it)',
  schema: z.object({
    policyId: z.uuid(),
    name: z.string().min(1).max(100),
    rules: PolicyRulesSchema,
  }),
  key: (tenant, data) => `${tenant}/policy/${data.policyId}`,
});

/** A device forced to pass or fail attestation (testers, blocking), for one app or all apps of the tenant. */
export const DeviceOverrideUpsertedV1 = defineEvent({
  type: 'device-override.upserted',
  version: 1,
  topic: Topics.policies,
  description: 'a device override is in force until expiresAt; a tombstone on its key removes it',
  schema: z.object({
    overrideId: z.uuid(),
    deviceId: z.string().min(1).max(256),
    /** null: every app of the tenant. */
    appId: z.uuid().nullable(),
    verdict: z.enum(['pass', 'fail']),
    reason: z.string().max(500).nullable(),
    createdAt: EventTimeSchema,
    expiresAt: EventTimeSchema.nullable(),
  }),
  key: (tenant, data) => `${tenant}/device-override/${data.overrideId}`,
});
