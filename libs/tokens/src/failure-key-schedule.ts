/**
 * When a token service instance's failure keys sign (times in milliseconds since the epoch). A failure key's public
 * part reaches the verifiers by event a moment after the key is made; a failure token signed before then reads as a
 * forgery (`bad-signature`) instead of a failure token. So each key is made `publishLeadSeconds` before it is due to
 * sign, and signs only once it has been published for that long. Only the very first key of an instance (made at
 * start, or on a first need before that) and a replacement nothing was published ahead for sign at once.
 */
export interface FailureKeyTiming {
  /** How long a failure key signs before the next one takes over. */
  readonly rotationSeconds: number;
  /** How long the next key is published before it signs. */
  readonly publishLeadSeconds: number;
  /** The longest token lifetime: a failure key stays known this long (plus the skew) after its last token. */
  readonly maxTokenLifetimeSeconds: number;
  readonly clockSkewSeconds: number;
}

/** How a failure key was made: to sign at once (no key published ahead), or as the next key, published ahead. */
export type FailureKeyKind = 'immediate' | 'next';

/** The planned life of a failure key, fixed when it is made. */
export interface FailureKeyWindow {
  readonly createdAt: number;
  /** When it starts signing as planned: at once, or the publish lead after it was made. */
  readonly signsFrom: number;
  /** When the next key takes over; the next key is made the publish lead before. */
  readonly dueAt: number;
  /**
   * The latest it may sign, even if the next key is late (a failed make, Kafka away): the publish lead after it is
   * due. A key never signs past this, so `forgetAfter` holds.
   */
  readonly signsUntil: number;
  /** When every token it may have signed has expired: verifiers may forget it then. */
  readonly forgetAfter: number;
}

const ms = (seconds: number) => seconds * 1000;

/**
 * The window of a failure key made at `createdAt`. A next key signs at most `rotation + 2 × lead` after it was made
 * (published for the lead, signing for the rotation, up to a lead more while its own successor is late); a key made
 * to sign at once, `rotation + lead`.
 */
export function failureKeyWindow(timing: FailureKeyTiming, createdAt: number, kind: FailureKeyKind): FailureKeyWindow {
  const signsFrom = kind === 'next' ? createdAt + ms(timing.publishLeadSeconds) : createdAt;
  const dueAt = signsFrom + ms(timing.rotationSeconds);
  const signsUntil = dueAt + ms(timing.publishLeadSeconds);
  return {
    createdAt,
    signsFrom,
    dueAt,
    signsUntil,
    forgetAfter: signsUntil + ms(timing.maxTokenLifetimeSeconds + timing.clockSkewSeconds),
  };
}

/** A failure key as the plan sees it. */
export interface PlannedFailureKey {
  readonly window: FailureKeyWindow;
  /** When this instance saw its event published (on Kafka); null while it has not. */
  readonly publishedAt: number | null;
}

/** What a ring of one algorithm does now. */
export interface FailureKeyPlan {
  /**
   * Which key signs: the current one; the next one, which becomes the current one; or a new one, made now and
   * signing at once (there is no current key, or it may sign no longer and no next key was made).
   */
  readonly signer: 'current' | 'next' | 'new';
  /** Whether to make and publish the next key now (it is the publish lead, or less, before the current one is due). */
  readonly makeNext: boolean;
}

/** Whether the next key has been on Kafka for the publish lead, so verifiers know it. */
export function publishedLongEnough(key: PlannedFailureKey, timing: FailureKeyTiming, now: number): boolean {
  return key.publishedAt !== null && key.publishedAt + ms(timing.publishLeadSeconds) <= now;
}

/**
 * The current key signs until it is due; from then the next key takes over once it has been published for the lead.
 * Past the current key's `signsUntil` it signs no more: the next key takes over however new it is, or, with none, a
 * new key signs at once (a token a verifier may briefly call `bad-signature`, rather than one it forgets too soon).
 */
export function planFailureKey(
  current: PlannedFailureKey | undefined,
  next: PlannedFailureKey | undefined,
  timing: FailureKeyTiming,
  now: number,
): FailureKeyPlan {
  if (!current) return { signer: next ? 'next' : 'new', makeNext: false };
  let signer: FailureKeyPlan['signer'] = 'current';
  if (now >= current.window.signsUntil) signer = next ? 'next' : 'new';
  else if (next && now >= current.window.dueAt && publishedLongEnough(next, timing, now)) signer = 'next';
  const makeNext =
    signer === 'current' && next === undefined && now >= current.window.dueAt - ms(timing.publishLeadSeconds);
  return { signer, makeNext };
}
