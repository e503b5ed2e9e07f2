import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, NoSchemaIntrospectionCustomRule, specifiedRules, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Principal } from '../auth/principal.js';
import { clientAddressOf, rateLimitedMessage, type RequestLimits } from '../auth/request-limits.js';
import type { RateLimitVerdict } from '../services/rate-limiter.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { guardedLiveFeed, type LiveFeed } from '../pubsub/live-feed.js';
import type { GraphQLContext } from '../resolvers/context.js';
import { createLoaders, type Loaders } from '../resolvers/loaders.js';
import { hashApiKey } from '../services/api-key.service.js';
import type { Services } from '../services/index.js';
import { formatError, isInternal } from './format-error.js';
import { LIMITS, type OperationLimits } from './operation-limits.js';

/** Distinct valid documents kept; past this the cache starts over (clients cannot grow it without bound). */
const MAX_CACHED_DOCUMENTS = 500;

/** DESIGN.md's close codes: no key is "unauthorized", a key we refuse is "forbidden". */
export const CLOSE_NO_KEY = CloseCode.Unauthorized; // 4401
export const CLOSE_BAD_KEY = CloseCode.Forbidden; // 4403
/** graphql-ws's own "too many" code; we use it for a connection over its rate limit. */
export const CLOSE_RATE_LIMITED = CloseCode.TooManyInitialisationRequests; // 4429

// A type alias, not an interface: graphql-ws wants a Record here.
type SocketExtra = {
  principal?: Principal;
  connectionId?: string;
  /** This connection's feed, which re-checks the key before each event. */
  live?: LiveFeed;
};

export interface SubscriptionServer {
  close(): Promise<void>;
}

/**
 * graphql-ws on the HTTP server's /graphql. The key is checked once, at connection_init; each
 * operation then gets a context like an HTTP request's, with the same validation rules (limits,
 * no introspection in production) and the same error masking.
 */
export function createSubscriptionServer(options: {
  httpServer: HttpServer;
  schema: GraphQLSchema;
  services: Services;
  live: LiveFeed;
  logger: Logger;
  limits: OperationLimits;
  /** Each connection and each operation is charged like an HTTP request. */
  requestLimits: RequestLimits;
  /** A larger message closes the socket with 1009 before anything parses it. */
  maxPayloadBytes: number;
  trustedProxies: number;
}): SubscriptionServer {
  const { httpServer, schema, services, live, logger, limits, requestLimits } = options;
  const webSocketServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: options.maxPayloadBytes });
  const closeRateLimited = (socket: { close(code: number, reason: string): void }, verdict: RateLimitVerdict) =>
    // A close reason must fit in 123 bytes.
    socket.close(CLOSE_RATE_LIMITED, `Too many requests: retry in ${verdict.retryAfterSeconds} s`);
  // Dashboards send the same few subscriptions: each is parsed and validated once per process
  // (as Apollo's document cache does on HTTP), not once per connection.
  const validDocuments = new Map<string, DocumentNode>();
  const rules = [...specifiedRules, ...limits.validationRules, ...(limits.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  // Like HTTP: internals masked and logged in full, with a request id the client also gets.
  const format = (error: GraphQLError, log: Logger, requestId: string) => {
    if (isInternal(error)) log.error({ err: error.originalError ?? error, requestId }, 'internal error in a WebSocket operation');
    const formatted = limits.maskSuggestions(formatError(error.toJSON(), error));
    return { ...formatted, extensions: { ...formatted.extensions, requestId } };
  };

  const cleanup = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema,
      // Parsing and validation here rather than graphql-ws's defaults: a syntax error or an
      // oversized document is answered as an error of that operation instead of closing the
      // socket with 4500, and the token limit applies as on HTTP.
      onSubscribe: async (ctx, _id, payload) => {
        const verdict = await requestLimits.forKey(ctx.extra.principal!);
        if (!verdict.allowed) {
          return [new GraphQLError(rateLimitedMessage(verdict), { extensions: { code: 'RATE_LIMITED', retryAfter: verdict.retryAfterSeconds } })];
        }
        const known = validDocuments.get(payload.query);
        if (known) return { schema, document: known, operationName: payload.operationName, variableValues: payload.variables };
        let document: DocumentNode;
        try {
          document = new MaxTokensParserWLexer(payload.query, { n: LIMITS.maxTokens }).parseDocument();
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          return [new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions } }));
        if (validDocuments.size >= MAX_CACHED_DOCUMENTS) validDocuments.clear();
        validDocuments.set(payload.query, document);
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      onConnect: async (ctx) => {
        const socketExtra = ctx.extra;
        // Without a valid key the connection is charged to its client IP, as on HTTP.
        const refuse = async (code: number, reason: string) => {
          const verdict = await requestLimits.forAddress(clientAddressOf(socketExtra.request, options.trustedProxies));
          if (verdict.allowed) socketExtra.socket.close(code, reason);
          else closeRateLimited(socketExtra.socket, verdict);
          return false;
        };
        const header = ctx.connectionParams?.authorization;
        if (typeof header !== 'string' || header.trim() === '') {
          // graphql-ws closes with 4403 when onConnect returns false; "no key" is 4401, so close first.
          return refuse(CLOSE_NO_KEY, 'Unauthorized: send connectionParams.authorization = "Bearer <api key>"');
        }
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        try {
          if (!match) return await refuse(CLOSE_BAD_KEY, 'Forbidden: expected "Bearer <api key>"');
          const keyHash = hashApiKey(match[1]!);
          const principal = await services.apiKeys.authenticateHash(keyHash);
          const verdict = await requestLimits.forKey(principal);
          if (!verdict.allowed) {
            closeRateLimited(socketExtra.socket, verdict);
            return false;
          }
          socketExtra.principal = principal;
          socketExtra.connectionId = randomUUID();
          socketExtra.live = guardedLiveFeed(live, async () => {
            try {
              await services.apiKeys.authenticateHash(keyHash);
              return true;
            } catch (error) {
              if (!(error instanceof AppError)) throw error;
              socketExtra.socket.close(CLOSE_BAD_KEY, 'Forbidden: this API key is no longer valid');
              return false;
            }
          });
          return true;
        } catch (error) {
          if (error instanceof AppError) return await refuse(CLOSE_BAD_KEY, 'Forbidden: this API key is not valid');
          logger.error({ err: error }, 'could not check a WebSocket key');
          throw error;
        }
      },
      context: (ctx): GraphQLContext => {
        const requestId = randomUUID();
        // The logger and the loaders live as long as the subscription: built only if an event needs them.
        let operationLogger: Logger | undefined;
        let loaders: Loaders | undefined;
        return {
          requestId,
          principal: ctx.extra.principal,
          get logger() {
            return (operationLogger ??= logger.child({ requestId, connectionId: ctx.extra.connectionId }));
          },
          services,
          live: ctx.extra.live ?? live,
          get loaders() {
            return (loaders ??= createLoaders(services, { cache: false }));
          },
        };
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors?.length) return;
        const { logger: log, requestId } = args.contextValue as GraphQLContext;
        return { ...result, errors: result.errors.map((error) => format(error, log, requestId)) } as unknown as ExecutionResult;
      },
      // Request errors (parse, validation: coded above) and errors a subscription's stream threw
      // (uncoded: masked as internal and logged, unless they are our AppErrors).
      onError: (ctx, _id, _payload, errors) => {
        const requestId = randomUUID();
        const log = logger.child({ requestId, connectionId: ctx.extra.connectionId });
        return errors.map((error) => format(error, log, requestId)) as unknown as GraphQLError[];
      },
    },
    webSocketServer,
  );

  let closing: Promise<void> | undefined;
  return {
    // Ends every open subscription with 1001 "Going away", then stops the WebSocket server; once.
    close: () => (closing ??= Promise.resolve(cleanup.dispose())),
  };
}
