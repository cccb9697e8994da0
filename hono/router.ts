import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './env';
import { defaultHook } from './errors';

/** Every resource router starts here so validation errors share the envelope. */
export const createRouter = () => new OpenAPIHono<AppEnv>({ defaultHook });
