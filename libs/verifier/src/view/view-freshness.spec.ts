import { type StalenessPolicy, ViewFreshness } from './view-freshness';

/** Ends as a plain number (the offset the topic had reached); the view's position is `applied`. */
function freshnessOf(policy: StalenessPolicy = { maxStalenessMs: 5000, whenStale: 'fail-closed' }) {
  const freshness = new ViewFreshness<number>(policy);
  const view = { applied: 0 };
  const lagBehind = (end: number) => Math.max(0, end - view.applied);
  return { freshness, view, lagBehind };
}

describe('ViewFreshness', () => {
  it('counts as stale, and refuses when fail-closed, until the view was first current', () => {
    const { freshness } = freshnessOf();
    expect(freshness.stalenessMs(1000)).toBe(Infinity);
    expect(freshness.isStale(1000)).toBe(true);
    expect(freshness.refusesTokens(1000)).toBe(true);
  });

  it('is current as of a reading the view has caught up with, and ages from then', () => {
    const { freshness, view, lagBehind } = freshnessOf();
    view.applied = 10;
    freshness.observe(1000, 10, lagBehind);
    expect(freshness.lastCurrentAt).toBe(1000);
    expect(freshness.lag).toBe(0);
    expect(freshness.stalenessMs(3000)).toBe(2000);
    expect(freshness.refusesTokens(6000)).toBe(false);
    // No reading since (the broker is away): past the limit, stale.
    expect(freshness.isStale(6001)).toBe(true);
    expect(freshness.refusesTokens(6001)).toBe(true);
  });

  it('while the view lags, stays current as of the older reading until a newer one is met', () => {
    const { freshness, view, lagBehind } = freshnessOf();
    view.applied = 10;
    freshness.observe(1000, 10, lagBehind);
    freshness.observe(2000, 15, lagBehind);
    freshness.observe(3000, 20, lagBehind);
    expect(freshness.lag).toBe(10);
    expect(freshness.lastCurrentAt).toBe(1000);
    view.applied = 16; // past the 2000 reading, not yet the 3000 one
    freshness.recheck(lagBehind);
    expect(freshness.lastCurrentAt).toBe(2000);
    view.applied = 25;
    freshness.recheck(lagBehind);
    expect(freshness.lastCurrentAt).toBe(3000);
  });

  it('keeps deciding from a stale view when the policy is keep-serving', () => {
    const { freshness, view, lagBehind } = freshnessOf({ maxStalenessMs: 5000, whenStale: 'keep-serving' });
    view.applied = 1;
    freshness.observe(0, 1, lagBehind);
    expect(freshness.isStale(60_000)).toBe(true);
    expect(freshness.refusesTokens(60_000)).toBe(false);
  });

  it('never goes back in time when an older reading is met late', () => {
    const { freshness, view, lagBehind } = freshnessOf();
    view.applied = 5;
    freshness.observe(2000, 5, lagBehind);
    freshness.observe(1000, 5, lagBehind);
    expect(freshness.lastCurrentAt).toBe(2000);
  });

  it('refuses a limit that is not a positive duration', () => {
    expect(() => new ViewFreshness({ maxStalenessMs: 0, whenStale: 'fail-closed' })).toThrow(RangeError);
    expect(() => new ViewFreshness({ maxStalenessMs: Number.NaN, whenStale: 'keep-serving' })).toThrow(RangeError);
  });
});
