import { getApp } from '../../../../hono';
import { nextMountedRequest } from '../../../../server/http/client-ip';
import { getServices } from '../../../../server/boot';

// Adapter only: `next dev` and Vercel reach the same Hono app the production server uses.
// The client address is decided here, never passed through from the client (docs/multi-replica.md).
const handler = async (request: Request) => (await getApp()).fetch(nextMountedRequest(request, (await getServices()).config));

export const GET = handler;
export const POST = handler;
export const PUT = handler;
export const PATCH = handler;
export const DELETE = handler;
export const OPTIONS = handler;
