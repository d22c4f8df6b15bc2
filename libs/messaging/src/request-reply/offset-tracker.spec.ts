import { OffsetTracker } from './offset-tracker';

describe('OffsetTracker', () => {
  it('commits past everything finished, and stops at the first message still being handled', () => {
    const tracker = new OffsetTracker();
    for (const offset of ['10', '11', '12']) tracker.take('requests', 0, offset);
    expect(tracker.committable()).toEqual([{ topic: 'requests', partition: 0, offset: '10' }]);

    tracker.finish('requests', 0, '11'); // out of order: 10 still runs
    expect(tracker.committable()).toEqual([{ topic: 'requests', partition: 0, offset: '10' }]);
    tracker.finish('requests', 0, '10');
    expect(tracker.committable()).toEqual([{ topic: 'requests', partition: 0, offset: '12' }]);
    tracker.finish('requests', 0, '12');
    expect(tracker.committable()).toEqual([{ topic: 'requests', partition: 0, offset: '13' }]);
  });

  it('offers an offset again only once it moved past what was marked committed', () => {
    const tracker = new OffsetTracker();
    tracker.take('requests', 0, '0');
    tracker.finish('requests', 0, '0');
    const offsets = tracker.committable();
    tracker.markCommitted(offsets);
    expect(tracker.committable()).toEqual([]);
    tracker.take('requests', 0, '1');
    expect(tracker.committable()).toEqual([]); // 1 is still running: the commit stays at 1
    tracker.finish('requests', 0, '1');
    expect(tracker.committable()).toEqual([{ topic: 'requests', partition: 0, offset: '2' }]);
  });

  it('keeps partitions apart: a slow message holds back only its own', () => {
    const tracker = new OffsetTracker();
    tracker.take('requests', 0, '5');
    tracker.take('requests', 1, '7');
    tracker.take('requests', 1, '8');
    tracker.finish('requests', 1, '7');
    tracker.finish('requests', 1, '8');
    expect(tracker.committable()).toEqual([
      { topic: 'requests', partition: 0, offset: '5' },
      { topic: 'requests', partition: 1, offset: '9' },
    ]);
  });

  it('handles offsets beyond 2^53', () => {
    const tracker = new OffsetTracker();
    tracker.take('requests', 0, '9007199254740993');
    tracker.finish('requests', 0, '9007199254740993');
    expect(tracker.committable()).toEqual([{ topic: 'requests', partition: 0, offset: '9007199254740994' }]);
  });

  it('ignores a finish for a partition it never saw (a message of an older generation)', () => {
    const tracker = new OffsetTracker();
    tracker.finish('requests', 3, '1');
    expect(tracker.committable()).toEqual([]);
  });
});
