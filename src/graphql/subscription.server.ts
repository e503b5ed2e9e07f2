import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, NoSchemaIntrospectionCustomRule, specifiedRules, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { guardedLiveFeed, type LiveFeed } from '../pubsub/live-feed.js';
import type { GraphQLContext } from '../resolvers/context.js';
import { createLoaders } from '../resolvers/loaders.js';
import type { Services } from '../services/index.js';
import { formatError, isInternal } from './format-error.js';
import { LIMITS, type OperationLimits } from './operation-limits.js';

/** DESIGN.md's close codes: no key is "unauthorized", a key we refuse is "forbidden". */
export const CLOSE_NO_KEY = CloseCode.Unauthorized; // 4401
export const CLOSE_BAD_KEY = CloseCode.Forbidden; // 4403

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
}): SubscriptionServer {
  const { httpServer, schema, services, live, logger, limits } = options;
  const webSocketServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
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
      onSubscribe: (_ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = new MaxTokensParserWLexer(payload.query, { n: LIMITS.maxTokens }).parseDocument();
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          return [new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions } }));
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      onConnect: async (ctx) => {
        const socketExtra = ctx.extra;
        const header = ctx.connectionParams?.authorization;
        if (typeof header !== 'string' || header.trim() === '') {
          // graphql-ws closes with 4403 when onConnect returns false; "no key" is 4401, so close first.
          socketExtra.socket.close(CLOSE_NO_KEY, 'Unauthorized: send connectionParams.authorization = "Bearer <api key>"');
          return false;
        }
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        try {
          if (!match) return false;
          const presented = match[1]!;
          socketExtra.principal = await services.apiKeys.authenticate(presented);
          socketExtra.connectionId = randomUUID();
          socketExtra.live = guardedLiveFeed(live, async () => {
            try {
              await services.apiKeys.authenticate(presented);
              return true;
            } catch (error) {
              if (!(error instanceof AppError)) throw error;
              socketExtra.socket.close(CLOSE_BAD_KEY, 'Forbidden: this API key is no longer valid');
              return false;
            }
          });
          return true;
        } catch (error) {
          if (error instanceof AppError) return false;
          logger.error({ err: error }, 'could not check a WebSocket key');
          throw error;
        }
      },
      context: (ctx): GraphQLContext => {
        const requestId = randomUUID();
        return {
          requestId,
          principal: ctx.extra.principal,
          logger: logger.child({ requestId, connectionId: ctx.extra.connectionId }),
          services,
          live: ctx.extra.live ?? live,
          loaders: createLoaders(services, { cache: false }),
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
