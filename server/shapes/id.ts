import { z } from 'zod';

/** Every id Darkroom makes is a UUID; the cap only keeps a hostile value out of queries and logs. */
export const entityId = z.string().min(1).max(64);

/** The `{id}` of a path such as /admin/albums/{id}. */
export const idParam = z.object({ id: entityId });
