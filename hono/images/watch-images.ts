import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { imageStatusEvent, statusFeedOf, watchImagesInput } from '../../server/images';
import type { AppEnv } from '../env';
import { errorJson, errorResponses } from '../errors';

// Comments every 15 s keep proxies (and their idle timeouts) from closing a quiet stream.
const HEARTBEAT_MS = 15_000;

export const watchImagesRoute = createRoute({
  method: 'get',
  path: '/events',
  tags: ['admin: images'],
  summary: 'Server-Sent Events: the develop status of the given images, now and at every change',
  description:
    'Sends one `status` event per image at once, then one whenever an image changes (pending → processing → ready | failed, or deleted). ' +
    'Changes arrive through PostgreSQL NOTIFY from any replica, with a batched poll as the backstop. Open it with `EventSource`.',
  request: { query: watchImagesInput },
  responses: {
    200: { description: 'text/event-stream of `status` events', content: { 'text/event-stream': { schema: z.string().meta({ description: `event: status / data: ImageStatusEvent JSON` }) } } },
    ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'VALIDATION_FAILED', 'SERVICE_UNAVAILABLE'),
  },
});

export const watchImagesHandler: RouteHandler<typeof watchImagesRoute, AppEnv> = async (c) => {
  const services = c.get('services');
  const feed = statusFeedOf(services, { db: services.db, listen: (channel, onNotify) => services.database.listen(channel, onNotify), log: services.images.log });
  if (feed.closed) return errorJson(c, 'SERVICE_UNAVAILABLE', 'The server is shutting down');
  const { ids } = c.req.valid('query');
  c.header('Cache-Control', 'no-store');
  // Tells nginx not to buffer the stream.
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    let eventId = 0;
    let finish = () => {};
    const done = new Promise<void>((resolve) => (finish = resolve));
    stream.onAbort(finish);
    const stop = await feed.watch(
      ids,
      (event) => void stream.writeSSE({ event: 'status', id: String(++eventId), data: JSON.stringify(imageStatusEvent.parse(event)) }).catch(finish),
      finish,
    );
    const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n').catch(finish), HEARTBEAT_MS);
    try {
      await done;
    } finally {
      clearInterval(heartbeat);
      stop();
    }
  });
};
