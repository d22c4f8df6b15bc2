import {
  type FailureKeyTiming,
  failureKeyWindow,
  planFailureKey,
  type PlannedFailureKey,
  publishedLongEnough,
} from './failure-key-schedule';

const timing: FailureKeyTiming = {
  rotationSeconds: 3600,
  publishLeadSeconds: 10,
  maxTokenLifetimeSeconds: 300,
  clockSkewSeconds: 60,
};
const s = (n: number) => n * 1000;
const T0 = Date.parse('2031-01-01T00:00:00Z');

const immediate = (at = T0, publishedAt: number | null = at): PlannedFailureKey => ({
  window: failureKeyWindow(timing, at, 'immediate'),
  publishedAt,
});
const next = (at: number, publishedAt: number | null = at): PlannedFailureKey => ({
  window: failureKeyWindow(timing, at, 'next'),
  publishedAt,
});

describe('failure key windows', () => {
  it('lets a key made to sign at once sign for the rotation, a lead more at most, and be forgotten after its tokens', () => {
    expect(failureKeyWindow(timing, T0, 'immediate')).toEqual({
      createdAt: T0,
      signsFrom: T0,
      dueAt: T0 + s(3600),
      signsUntil: T0 + s(3610),
      forgetAfter: T0 + s(3610 + 300 + 60),
    });
  });

  it('has a next key sign the lead after it was made, for the rotation, and a lead more at most', () => {
    expect(failureKeyWindow(timing, T0, 'next')).toEqual({
      createdAt: T0,
      signsFrom: T0 + s(10),
      dueAt: T0 + s(3610),
      signsUntil: T0 + s(3620),
      forgetAfter: T0 + s(3620 + 300 + 60),
    });
  });
});

describe('planFailureKey', () => {
  it('makes a key to sign at once when there is none (a need before the startup key, or after a failed make)', () => {
    expect(planFailureKey(undefined, undefined, timing, T0)).toEqual({ signer: 'new', makeNext: false });
  });

  it('signs with the current key and makes no next key until the lead before it is due', () => {
    const current = immediate();
    expect(planFailureKey(current, undefined, timing, T0 + s(1))).toEqual({ signer: 'current', makeNext: false });
    expect(planFailureKey(current, undefined, timing, T0 + s(3589))).toEqual({ signer: 'current', makeNext: false });
    expect(planFailureKey(current, undefined, timing, T0 + s(3590))).toEqual({ signer: 'current', makeNext: true });
  });

  it('makes no second next key while one waits', () => {
    expect(planFailureKey(immediate(), next(T0 + s(3590)), timing, T0 + s(3595))).toEqual({
      signer: 'current',
      makeNext: false,
    });
  });

  it('switches to the next key once the current one is due and the next one has been published for the lead', () => {
    const current = immediate();
    const waiting = next(T0 + s(3590), T0 + s(3592));
    expect(planFailureKey(current, waiting, timing, T0 + s(3600)).signer).toBe('current');
    expect(planFailureKey(current, waiting, timing, T0 + s(3601)).signer).toBe('current');
    expect(planFailureKey(current, waiting, timing, T0 + s(3602)).signer).toBe('next');
  });

  it('does not switch before the current key is due, however long the next one has been published', () => {
    const waiting = next(T0 + s(100), T0 + s(100));
    expect(planFailureKey(immediate(), waiting, timing, T0 + s(3599)).signer).toBe('current');
  });

  it('keeps the current key while the next one is not on Kafka, until the current one may sign no longer', () => {
    const current = immediate();
    const unpublished = next(T0 + s(3590), null);
    expect(publishedLongEnough(unpublished, timing, T0 + s(9999))).toBe(false);
    expect(planFailureKey(current, unpublished, timing, T0 + s(3609)).signer).toBe('current');
    expect(planFailureKey(current, unpublished, timing, T0 + s(3610)).signer).toBe('next');
  });

  it('makes a key to sign at once when the current one may sign no longer and no next key was made', () => {
    expect(planFailureKey(immediate(), undefined, timing, T0 + s(3610))).toEqual({ signer: 'new', makeNext: false });
  });

  it('never lets a key sign past the moment its forgetAfter counts from', () => {
    for (const key of [immediate(), next(T0)]) {
      const { signsUntil, forgetAfter } = key.window;
      expect(planFailureKey(key, undefined, timing, signsUntil - 1).signer).toBe('current');
      expect(planFailureKey(key, undefined, timing, signsUntil).signer).toBe('new');
      // Its last token, issued just before signsUntil, lives at most the longest lifetime plus the skew.
      expect(signsUntil + s(timing.maxTokenLifetimeSeconds + timing.clockSkewSeconds)).toBe(forgetAfter);
    }
  });

  it('hands a next key over even when it is not published if there is no current key', () => {
    expect(planFailureKey(undefined, next(T0, null), timing, T0).signer).toBe('next');
  });
});
