import { nextMountedRequest } from '../../../../server/http/client-ip';
import { getServices } from '../../../../server/boot';

// Adapter only: better-auth's handler for `next dev` and Vercel, with the client address
// decided here, never passed through from the client (docs/multi-replica.md).
const handler = async (request: Request) => {
  const services = await getServices();
  return services.authHandler(nextMountedRequest(request, services.config));
};

export const GET = handler;
export const POST = handler;
