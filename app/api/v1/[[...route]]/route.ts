import { getApp } from '../../../../hono';

// Adapter only: `next dev` and Vercel reach the same Hono app the production server uses.
const handler = async (request: Request) => (await getApp()).fetch(request);

export const GET = handler;
export const POST = handler;
export const PUT = handler;
export const PATCH = handler;
export const DELETE = handler;
export const OPTIONS = handler;
