import { createRouter } from '../router';
import { listWorkersHandler, listWorkersRoute } from './list-workers';
import { drainWorkerHandler, drainWorkerRoute, undrainWorkerHandler, undrainWorkerRoute } from './set-worker-drained';

/** /admin/workers: the worker fleet; drain a worker (it claims no new jobs) or let it work again. */
export const workersRoutes = createRouter()
  .openapi(listWorkersRoute, listWorkersHandler)
  .openapi(drainWorkerRoute, drainWorkerHandler)
  .openapi(undrainWorkerRoute, undrainWorkerHandler);
