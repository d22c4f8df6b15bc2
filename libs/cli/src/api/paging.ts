import type { Page } from './views';

/** The largest page the API serves; `--all` asks for it so it needs as few requests as possible. */
export const MAX_PAGE_SIZE = 100;

/** Follows `nextCursor` from the first page to the last and returns every item as one page. */
export async function collectPages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): Promise<Page<T>> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    if (page.nextCursor === null) return { items, nextCursor: null };
    // A cursor that comes back would loop for ever; the API never does this, a broken proxy cache might.
    if (seen.has(page.nextCursor)) throw new Error(`the API returned cursor ${page.nextCursor} twice`);
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}
