import { z } from 'zod';

/** `?cursor=&limit=`: the cursor is the last id of the previous page. */
export const pageQuery = (defaultLimit: number) =>
  z.object({
    cursor: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(defaultLimit),
  });

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** `rows` were read with `limit + 1`: the extra row only says that another page follows. */
export function paginate<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
