import { describe, expect, it } from 'vitest';
import { pageQuery, paginate } from './page';

describe('paginate (rows read with limit + 1)', () => {
  const rows = ['a', 'b', 'c'].map((id) => ({ id }));

  it('a full page with one row more: the page, and its last id as the next cursor', () => {
    expect(paginate(rows, 2, (r) => r.id)).toEqual({ items: [{ id: 'a' }, { id: 'b' }], nextCursor: 'b' });
  });

  it('the last page (limit rows or fewer): no next cursor', () => {
    expect(paginate(rows, 3, (r) => r.id)).toEqual({ items: rows, nextCursor: null });
    expect(paginate([], 3, (r: { id: string }) => r.id)).toEqual({ items: [], nextCursor: null });
  });
});

describe('pageQuery', () => {
  it('reads ?limit= as a number, defaults it and caps it at 100', () => {
    expect(pageQuery(24).parse({})).toEqual({ limit: 24 });
    expect(pageQuery(24).parse({ limit: '7', cursor: 'x' })).toEqual({ limit: 7, cursor: 'x' });
    expect(pageQuery(24).safeParse({ limit: '101' }).success).toBe(false);
  });
});
