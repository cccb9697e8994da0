/**
 * Prometheus metrics (DESIGN.md "Metrics"): one prom-client registry per process. Domains
 * count where things happen (processMetrics()); gauges that describe the cluster are read
 * at scrape time from the sources boot registers (setMetricSources); renderMetrics() is the text.
 */
export { processMetrics, type ProcessMetrics } from './registry';
export { renderMetrics, setMetricSources, type MetricSources } from './scrape';
export { AUTH_ROUTE, methodLabel, PAGES_ROUTE, routeTemplate, UNMATCHED_ROUTE } from './labels';
