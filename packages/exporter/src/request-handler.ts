import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Exporter } from './create-exporter.js';

/**
 * A request handler for `node:http`, Express and Connect (as middleware), or Fastify (with
 * `reply.hijack()` and `request.raw`, `reply.raw`). Answers `GET`/`HEAD` on three paths,
 * relative to where it is mounted:
 * - `/metrics`: the Prometheus text format, from memory (never waits for SSH);
 * - `/healthz`: 200 while the collection loop lives, else 503;
 * - `/readyz`: 200 once a collection round has completed, else 503.
 *
 * Other paths go to `next` when there is one (middleware), else get 404.
 */
export type ExporterRequestHandler = (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void) => void;

const PATHS = new Set(['/metrics', '/healthz', '/readyz']);

/**
 * Makes the {@link ExporterRequestHandler} of an exporter.
 *
 * @param exporter - the exporter to answer for
 *
 * @example
 * ```ts
 * const exporter = createExporter({ fmcs, connect });
 * exporter.start();
 * express().use('/sftunnel', exporterRequestHandler(exporter)).listen(8080); // GET /sftunnel/metrics
 * http.createServer(exporterRequestHandler(exporter)).listen(9817, '127.0.0.1'); // or on its own
 * ```
 */
export function exporterRequestHandler(exporter: Exporter): ExporterRequestHandler {
  return (request, response, next) => {
    const path = new URL(request.url ?? '/', 'http://exporter').pathname;
    if (!PATHS.has(path)) {
      if (next !== undefined) next();
      else send(response, request, 404, 'text/plain; charset=utf-8', 'not found: try /metrics, /healthz or /readyz\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      send(response, request, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      exporter.scrape().then(
        ({ contentType, body }) => send(response, request, 200, contentType, body),
        (error: unknown) => (next === undefined ? send(response, request, 500, 'text/plain; charset=utf-8', 'metrics could not be rendered\n') : next(error)),
      );
      return;
    }
    const status = exporter.status();
    const ok = path === '/healthz' ? status.live : status.ready;
    send(response, request, ok ? 200 : 503, 'application/json; charset=utf-8', `${JSON.stringify({ ...status, lastRoundEndedAt: status.lastRoundEndedAt?.toISOString() ?? null })}\n`);
  };
}

function send(response: ServerResponse, request: IncomingMessage, status: number, contentType: string, body: string): void {
  response.statusCode = status;
  response.setHeader('Content-Type', contentType);
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(request.method === 'HEAD' ? undefined : body);
}
