import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { DataSource } from 'typeorm';
import { metricsRouter } from './metrics.route.js';

/**
 * `GET /metrics` on a small HTTP server of its own (METRICS_PORT), for processes without the api
 * role (a worker or bot apart): the api serves /metrics on its own port already.
 */
export async function listenMetricsServer(options: { dataSource: DataSource; port: number; host: string }): Promise<{ port: number; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(metricsRouter({ dataSource: options.dataSource }));
  app.use((_request, response) => {
    response.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such route. This server serves only GET /metrics.' } });
  });
  const server = createHttpServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
