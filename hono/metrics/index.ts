import { createRouter } from '../router';
import { getMetricsHandler, getMetricsRoute } from './get-metrics';

export { METRICS_PATH } from './get-metrics';

/** /metrics: Prometheus text of this replica, behind METRICS_TOKEN. */
export const metricsRoutes = createRouter().openapi(getMetricsRoute, getMetricsHandler);
