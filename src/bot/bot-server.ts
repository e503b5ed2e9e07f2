import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';

/** The bot role apart: /slack/events and /healthz on its own listener. */
export async function listenBotServer(router: Router, port: number, host: string, drainMs = 10_000): Promise<{ port: number; close(): Promise<void> }> {
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
    // No new connections; idle keep-alive sockets close now, and any that turn idle after their
    // request; requests still running after `drainMs` are cut.
    close: () =>
      new Promise<void>((resolve) => {
        const idle = setInterval(() => server.closeIdleConnections(), 100);
        const cut = setTimeout(() => server.closeAllConnections(), drainMs);
        server.close(() => {
          clearInterval(idle);
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
