import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';

/** The bot role apart: /slack/events and /healthz on its own listener. */
export async function listenBotServer(router: Router, port: number, host: string): Promise<{ port: number; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok', role: 'bot' });
  });
  app.use(router);
  app.use((_request, response) => {
    response.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such route. This is the Slack bot: Slack posts to /slack/events.' } });
  });
  const server = createHttpServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
