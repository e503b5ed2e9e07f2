import { Router, type NextFunction, type Request, type Response } from 'express';
import type { DataSource } from 'typeorm';
import { httpRequestDuration, jobQueueDepth, outboxBacklog, registry, scrapeErrors } from './metrics.js';

/** A scrape-time reading must not hang the scrape: past this it is skipped and counted. */
const READING_TIMEOUT_MS = 2_000;

/** First path segments that are routes of ours; anything else is "other", so labels stay bounded. */
const KNOWN_ROUTES = new Set(['', 'graphql', 'metrics', 'healthz', 'readyz', 'dashboard', 'webhooks', 'slack']);

/** Times every HTTP request, labelled by method, route (its first path segment) and status. */
export function httpMetrics() {
  return (request: Request, response: Response, next: NextFunction) => {
    const stopTimer = httpRequestDuration.startTimer();
    response.on('finish', () => {
      // originalUrl: by now a mounted router (/graphql) has rewritten request.path.
      const segment = firstSegment(request.originalUrl);
      const route = KNOWN_ROUTES.has(segment) ? `/${segment}` : 'other';
      stopTimer({ method: request.method, route, status: String(response.statusCode) });
    });
    next();
  };
}

/** "graphql" of "/graphql?x=1" or "/graphql/"; found by index, since this runs on every request. */
function firstSegment(url: string): string {
  let end = 1;
  while (end < url.length && url[end] !== '/' && url[end] !== '?') end++;
  return url.slice(1, end);
}

/** `GET /metrics`: the registry in Prometheus text format, with the database readings taken now. */
export function metricsRouter(options: { dataSource: DataSource }): Router {
  const router = Router();
  router.get('/metrics', async (request, response) => {
    await Promise.all([
      reading('queue_depth', options.dataSource, readQueueDepth, request),
      reading('outbox_backlog', options.dataSource, readOutboxBacklog, request),
    ]);
    response.setHeader('content-type', registry.contentType);
    response.send(await registry.metrics());
  });
  return router;
}

async function reading(name: string, dataSource: DataSource, read: (query: Query) => Promise<void>, request: Request): Promise<void> {
  try {
    await dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL statement_timeout = ${READING_TIMEOUT_MS}`);
      await read((text, values) => manager.query(text, values) as Promise<Record<string, unknown>[]>);
    });
  } catch (error) {
    scrapeErrors.inc({ reading: name });
    request.log.warn({ err: error, reading: name }, 'a /metrics reading failed; its gauges keep their last values');
  }
}

type Query = (text: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;

async function readQueueDepth(query: Query): Promise<void> {
  // pg-boss keeps its jobs in the pgboss schema of the same database; finished ones are not depth.
  const rows = await query(`SELECT name, state::text AS state, count(*)::int AS jobs FROM pgboss.job WHERE state IN ('created', 'retry', 'active') GROUP BY 1, 2`);
  jobQueueDepth.reset();
  for (const row of rows) jobQueueDepth.set({ queue: String(row.name), state: String(row.state) }, Number(row.jobs));
}

async function readOutboxBacklog(query: Query): Promise<void> {
  const rows = await query(`SELECT status, count(*)::int AS messages FROM outbound_messages WHERE status IN ('pending', 'awaiting_approval', 'sending') GROUP BY 1`);
  outboxBacklog.reset();
  for (const status of ['pending', 'awaiting_approval', 'sending']) {
    outboxBacklog.set({ status }, Number(rows.find((row) => row.status === status)?.messages ?? 0));
  }
}
