/**
 * Something whose rows can expire (registrations, device overrides, revocations). `sweep` publishes the end of
 * every row that expired and was not swept yet (tombstone + audit entry, in one transaction per batch) and
 * answers how many it swept. It must be safe to run on several instances at once (`FOR UPDATE SKIP LOCKED`).
 */
export interface ExpiringEntity {
  /** The entity kind, as in audit targets and metrics: `registration`, `device-override`, `revocation`. */
  readonly kind: string;
  sweep(now: Date): Promise<number>;
}

/** Nest token for the list of expiring entities the sweeper walks. */
export const EXPIRING_ENTITIES = Symbol('expiring-entities');

/** The actor of entries the sweeper writes: nobody acted, time did. */
export const expiryActor = (tenantId: string) => ({ tenantId, keyId: null, teamId: null });
