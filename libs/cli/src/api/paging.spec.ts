import { collectPages } from './paging';
import type { Page } from './views';

describe('collectPages', () => {
  it('follows nextCursor until null and returns every item as one last page', async () => {
    const pages: Record<string, Page<number>> = {
      first: { items: [1, 2], nextCursor: 'b' },
      b: { items: [3], nextCursor: 'c' },
      c: { items: [], nextCursor: null },
    };
    const asked: (string | undefined)[] = [];
    const all = await collectPages((cursor) => {
      asked.push(cursor);
      return Promise.resolve(pages[cursor ?? 'first'] as Page<number>);
    });
    expect(all).toEqual({ items: [1, 2, 3], nextCursor: null });
    expect(asked).toEqual([undefined, 'b', 'c']);
  });

  it('stops with an error when a cursor comes back instead of looping for ever', async () => {
    await expect(collectPages(() => Promise.resolve({ items: [1], nextCursor: 'same' }))).rejects.toThrow(
      'returned cursor same twice',
    );
  });
});
