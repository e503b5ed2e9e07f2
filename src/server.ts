import { randomUUID } from 'node:crypto';
import { isDashboardCall } from './web/dashboard/dashboard-client.js';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request, type RequestHandler, type Response, type NextFunction } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import type { Config } from './config.js';
import type { Principal } from './auth/principal.js';
import { limitByAddress, RequestLimits } from './auth/request-limits.js';
import { pendingMigrations } from './database/migrate.js';
import { AppError } from './errors.js';
import { formatError, requestIdPlugin, toGraphQLError } from './graphql/format-error.js';
import { callerOf, graphqlBodyErrors, graphqlGate } from './graphql/graphql-gate.js';
import { operationLimits } from './graphql/operation-limits.js';
import { HttpGraphQLContext } from './graphql/http-context.js';
import { createSubscriptionServer } from './graphql/subscription.server.js';
import { unsubscribeRoutes } from './delivery/unsubscribe.routes.js';
import { refuseLargerThan } from './integrations/body-limit.js';
import { leadWebhookRouter } from './integrations/lead-webhook.route.js';
import { hubSpotWebhookRouter } from './integrations/hubspot/hubspot-webhook.route.js';
import { createHubSpotClient } from './integrations/hubspot/hubspot.client.js';
import { HUBSPOT_RATE, RateBucket } from './integrations/hubspot/rate-bucket.js';
import { systemClock, type Clock } from './lib/clock.js';
import { shutdownBudget } from './lib/shutdown-budget.js';
import type { Logger } from './logger.js';
import { createLiveFeed } from './pubsub/live-feed.js';
import type { LivePubSub } from './pubsub/live-pubsub.js';
import { LiveTopic } from './pubsub/live-topics.js';
import type { GraphQLContext } from './resolvers/context.js';
import { buildLeadpilotSchema } from './schema/build-schema.js';
import type { Services } from './services/index.js';
import { RateLimiter } from './services/rate-limiter.js';
import { leadFormRouter } from './web/lead-form.route.js';
import { dashboardRouter } from './web/dashboard/dashboard.route.js';
import { graphqlMetricsPlugin } from './metrics/graphql-metrics.plugin.js';
import { httpMetrics, metricsRouter } from './metrics/metrics.route.js';
import { createOperationCounter } from './metrics/operation-counts.js';

export interface ServerDependencies {
  config: Config;
  dataSource: DataSource;
  services: Services;
  logger: Logger;
  /** This process's live events (the same object the services publish to). */
  live: Pick<LivePubSub, 'subscribe'>;
  /** Built once per process; tests may pass their own. */
  schema?: GraphQLSchema;
  /** Judges webhook signature ages and rate-limit windows; the system clock unless a test passes its own. */
  clock?: Clock;
  /** The Slack bot's receiver (POST /slack/events), when the bot runs in this process. */
  slackRouter?: RequestHandler | undefined;
}

export interface LeadpilotServer {
  readonly app: express.Express;
  readonly httpServer: HttpServer;
  /** Starts listening; resolves with the actual port (0 picks a free one). */
  listen(port: number, host: string): Promise<number>;
  /** Stops taking requests, lets in-flight ones finish, then resolves. */
  close(): Promise<void>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
    log: Logger;
  }
}

/** Everything that listens on the one port: GraphQL, health checks, and what later issues add. */
export async function createServer(deps: ServerDependencies): Promise<LeadpilotServer> {
  const { config, dataSource, services, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  // No ETag on responses: Express hashed every GraphQL answer (a POST, never answered 304) for
  // nothing. Static dashboard files keep theirs (express.static sets its own).
  app.set('etag', false);
  // Behind N reverse proxies, the client is N hops back in X-Forwarded-For; with none, the socket's peer.
  app.set('trust proxy', config.http.trustedProxies);
  const httpServer = createHttpServer(app);
  const schema = deps.schema ?? (await buildLeadpilotSchema());
  const limits = operationLimits(config.env);
  const live = createLiveFeed(deps.live, dataSource, services);
  const operationCounter = createOperationCounter(dataSource, logger.child({ component: 'metrics' }));
  const clock = deps.clock ?? systemClock;
  const rateLimiter = new RateLimiter(dataSource, clock, logger.child({ component: 'rate-limits' }), config.rateLimits.syncIntervalMs);
  const requestLimits = new RequestLimits(rateLimiter, config.rateLimits);
  // Requests authenticate from memory; every key change anywhere is announced on the live channel.
  const stopKeyCache = services.apiKeys.cacheUntilChanged(deps.live.subscribe(LiveTopic.API_KEY_CHANGED));

  // Before Apollo, so Apollo's drain (which closes the HTTP server) never waits on open sockets.
  const subscriptions = createSubscriptionServer({
    httpServer,
    schema,
    services,
    live,
    logger,
    limits,
    requestLimits,
    maxPayloadBytes: config.bodyLimits.graphql,
    trustedProxies: config.http.trustedProxies,
  });
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: limits.introspection,
    allowBatchedHttpRequests: false,
    // Apollo would otherwise install its own SIGINT/SIGTERM handlers (outside NODE_ENV=test) that
    // stop it and re-raise the signal: that raced our shutdown and killed the process before the
    // embedded PostgreSQL was stopped. The serve command owns shutdown.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    validationRules: limits.validationRules,
    formatError,
    plugins: [
      // On close: no new connections, idle keep-alive sockets closed at once, in-flight requests
      // given their share of SHUTDOWN_GRACE, then cut.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: shutdownBudget(config.shutdownGraceMs).httpDrainMs }),
      // No HTTP caching of GraphQL answers here; its per-field hook wrapped every resolver for nothing.
      ApolloServerPluginCacheControlDisabled(),
      requestIdPlugin,
      graphqlMetricsPlugin(operationCounter),
      ...limits.apolloPlugins,
      // Apollo's production landing page loads its script from Apollo's CDN: nothing a customer's
      // deployment should fetch from the internet, nor a page an attacker needs.
      ...(config.env === 'production' ? [ApolloServerPluginLandingPageDisabled()] : []),
      { serverWillStart: async () => ({ drainServer: () => subscriptions.close() }) },
    ],
  });
  await apollo.start();

  app.use(assignRequestId(logger));
  app.use(httpMetrics());
  // First among the routes: the busiest path does not walk past every other router to get here.
  app.use(
    '/graphql',
    graphqlGate({ services, limits: requestLimits, authenticate }),
    express.json({ limit: config.bodyLimits.graphql }),
    graphqlBodyErrors,
    expressMiddleware(apollo, {
      context: async ({ req }) => new HttpGraphQLContext(req, callerOf(req.graphqlCaller), isDashboardCall(req.headers) ? 'dashboard' : undefined, services, live),
    }),
  );

  app.use(metricsRouter({ dataSource }));
  app.use(dashboardRouter());

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });

  app.get('/readyz', async (request, response) => {
    try {
      const pending = await pendingMigrations(dataSource);
      const ready = pending.length === 0;
      response.status(ready ? 200 : 503).json({
        status: ready ? 'ready' : 'not ready',
        database: 'ok',
        migrations: ready ? 'current' : { pending },
      });
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      response.status(503).json({ status: 'not ready', database: 'unreachable' });
    }
  });

  // Public routes are charged per client IP before anything reads their bodies.
  const byAddress = limitByAddress(requestLimits);
  app.use(['/webhooks', '/slack', '/unsubscribe'], byAddress);
  app.post('/', byAddress);

  app.use(leadWebhookRouter({ config, services, clock }));
  const hubspot = config.hubspot.token
    ? createHubSpotClient({ token: config.hubspot.token, baseUrl: config.hubspot.baseUrl, bucket: new RateBucket(dataSource, HUBSPOT_RATE), logger: logger.child({ component: 'hubspot' }) })
    : null;
  app.use(hubSpotWebhookRouter({ config, dataSource, services, clock, logger, hubspot }));
  app.use(leadFormRouter({ config, services }));
  // Bolt reads and verifies the raw body itself: no body parser may run before it.
  if (deps.slackRouter) {
    app.use('/slack', refuseLargerThan(config.bodyLimits.webhook));
    app.use(deps.slackRouter);
  }

  app.use(unsubscribeRoutes(services.outbox));

  app.use((_request: Request, response: Response) => {
    response.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such route. GraphQL is served at /graphql.' } });
  });
  app.use(handleUncaughtRouteError);

  return {
    app,
    httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.removeListener('error', reject);
          resolve((httpServer.address() as AddressInfo).port);
        });
      }),
    close: async () => {
      // Apollo's drain plugin closes the HTTP server and waits for in-flight requests.
      await apollo.stop();
      await subscriptions.close();
      await operationCounter.close();
      await rateLimiter.close();
      await stopKeyCache();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/** Resolves `Authorization: Bearer <key>` once per request; no header means anonymous. */
export async function authenticate(header: string | undefined, services: Services): Promise<Principal | undefined> {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw toGraphQLError(new AppError('UNAUTHENTICATED', 'Malformed Authorization header: expected "Bearer <api key>".'));
  try {
    return await services.apiKeys.authenticate(match[1]!);
  } catch (error) {
    if (error instanceof AppError) throw toGraphQLError(error);
    throw error;
  }
}

function assignRequestId(logger: Logger) {
  const logRequests = logger.isLevelEnabled('info');
  return (request: Request, response: Response, next: NextFunction) => {
    const given = request.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    request.requestId = requestId;
    // The request's child logger is built the first time something logs: most requests never do.
    let log: Logger | undefined;
    Object.defineProperty(request, 'log', {
      configurable: true,
      get: () => (log ??= logger.child({ requestId })),
      set: (value: Logger) => (log = value),
    });
    response.setHeader('x-request-id', requestId);
    if (logRequests) {
      const started = process.hrtime.bigint();
      response.on('finish', () => {
        request.log.info(
          { method: request.method, path: request.originalUrl.split('?')[0], status: response.statusCode, durationMs: Number(process.hrtime.bigint() - started) / 1e6 },
          'request',
        );
      });
    }
    next();
  };
}

function handleUncaughtRouteError(error: unknown, request: Request, response: Response, _next: NextFunction) {
  const status = typeof error === 'object' && error !== null && 'status' in error ? Number((error as { status: unknown }).status) : 500;
  if (status >= 400 && status < 500) {
    const message = error instanceof Error ? error.message : 'Bad request';
    response.status(status).json({ error: { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', message, requestId: request.requestId } });
    return;
  }
  request.log.error({ err: error }, 'unhandled error in a route');
  response.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong on our side.', requestId: request.requestId } });
}
