import type { z } from 'zod';

/** A JSON request or response body of a createRoute definition. */
export const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
