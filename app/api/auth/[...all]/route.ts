import { getServices } from '../../../../server/runtime';

// Adapter only: better-auth's handler for `next dev` and Vercel.
const handler = async (request: Request) => (await getServices()).authHandler(request);

export const GET = handler;
export const POST = handler;
