import { createRouter } from '../router';
import { cancelJobHandler, cancelJobRoute } from './cancel-job';
import { listJobsHandler, listJobsRoute } from './list-jobs';
import { retryJobHandler, retryJobRoute } from './retry-job';

/** /admin/jobs: the preprocess queue, with counts per status; retry or cancel one job. */
export const jobsRoutes = createRouter()
  .openapi(listJobsRoute, listJobsHandler)
  .openapi(retryJobRoute, retryJobHandler)
  .openapi(cancelJobRoute, cancelJobHandler);
