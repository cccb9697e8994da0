import { createRouter } from '../router';
import { getStatusHandler, getStatusRoute } from './get-status';

/** /status: the public availability beacon of the worker fleet and the queue. */
export const statusRoutes = createRouter().openapi(getStatusRoute, getStatusHandler);
