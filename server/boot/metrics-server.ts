import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Config } from '../config';
import type { Logger } from '../log';
import { API_BASE } from '../http/paths';
import { bearerToken, METRICS_REFUSED, secretMatches } from '../http/secret';
import { methodLabel, processMetrics, renderMetrics } from '../metrics';
import { listenOn } from './http-server';

type Listener = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Counts what `listener` answers under one route label (Next's pages, better-auth): timing only, no path. */
export function timedListener(route: string, listener: Listener): Listener {
  const histogram = processMetrics().httpRequestDuration;
  return (req, res) => {
    const started = performance.now();
    res.once('finish', () => {
      histogram.observe({ method: methodLabel(req.method ?? ''), route, status: res.statusCode }, (performance.now() - started) / 1000);
    });
    return listener(req, res);
  };
}

const METRICS_PATHS = new Set(['/metrics', `${API_BASE}/metrics`]);

function answer(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body);
}

/**
 * METRICS_PORT: a plain node:http server answering GET /metrics (and /api/v1/metrics) for a
 * scraper on a private network, nothing else. With METRICS_TOKEN also set, it wants the token too.
 */
export function createMetricsServer(options: { token: string | undefined; log: Logger }) {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!METRICS_PATHS.has(path)) return answer(res, 404, 'Not found. Metrics are at /metrics.\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'Use GET.\n', { allow: 'GET, HEAD' });
    if (options.token && !secretMatches(bearerToken(req.headers.authorization), options.token)) {
      return answer(res, 401, `${METRICS_REFUSED}\n`, { 'www-authenticate': 'Bearer realm="metrics"' });
    }
    renderMetrics().then(
      ({ contentType, body }) => answer(res, 200, req.method === 'HEAD' ? '' : body, { 'content-type': contentType }),
      (error: unknown) => {
        options.log.error({ err: error }, 'metrics could not be rendered');
        answer(res, 500, 'Metrics could not be rendered; see the server log.\n');
      },
    );
  });
  return {
    server,
    listen: (port: number, host: string) => listenOn(server, port, host),
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** METRICS_PORT: the separate metrics server on HOST, started by `npm start` and `npm run worker`. */
export async function listenMetrics(config: Config, log: Logger) {
  if (!config.metrics.port) return undefined;
  const metrics = createMetricsServer({ token: config.metrics.token, log: log.child({ module: 'metrics' }) });
  const port = await metrics.listen(config.metrics.port, config.host);
  log.info({ port, host: config.host }, `metrics are served on port ${port} at /metrics`);
  return metrics;
}
