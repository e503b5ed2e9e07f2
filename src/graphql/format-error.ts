import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, fromConcurrencyAbort, HTTP_STATUS } from '../errors.js';
import type { GraphQLContext } from '../resolvers/context.js';

// Codes graphql-js and Apollo set themselves for bad requests; their messages are safe to show.
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
]);

export const INTERNAL_MESSAGE = 'Something went wrong on our side. It has been logged; quote the requestId if you report it.';

/**
 * Never throws, never leaks: our AppErrors keep their code, message and details; graphql-js's
 * own request errors pass; anything else becomes INTERNAL_SERVER_ERROR with no internals.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = fromConcurrencyAbort(unwrapResolverError(error));
  if (original instanceof AppError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { ...original.details, code: original.code },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code) && !(original instanceof Error && !(original instanceof GraphQLError))) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return { message: INTERNAL_MESSAGE, locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** Whether an error is one we mask (and so must log in full). */
export function isInternal(error: unknown): boolean {
  const original = fromConcurrencyAbort(unwrapResolverError(error));
  if (original instanceof AppError) return false;
  if (original instanceof GraphQLError) {
    const code = original.extensions?.code;
    return !(typeof code === 'string' && CLIENT_CODES.has(code));
  }
  return true;
}

/** Converts an AppError thrown outside a resolver (the context function) into a GraphQLError with its HTTP status. */
export function toGraphQLError(error: AppError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: { ...error.details, code: error.code, http: { status: HTTP_STATUS[error.code] } },
  });
}

/** Logs masked errors in full and gives every error the request id the client can quote. */
export const requestIdPlugin: ApolloServerPlugin<GraphQLContext> = {
  // One listener object for every request: its hooks take all they need from their arguments.
  requestDidStart: async () => requestIdListener,
};

const requestIdListener: GraphQLRequestListener<GraphQLContext> = {
  async didEncounterErrors({ errors, contextValue, operationName }) {
    for (const error of errors) {
      if (isInternal(error)) {
        contextValue.logger.error({ err: unwrapResolverError(error), operationName, path: error.path }, 'internal error in a GraphQL operation');
      }
    }
  },
  async willSendResponse({ response, contextValue }) {
    if (response.body.kind === 'single' && response.body.singleResult.errors) {
      response.body.singleResult.errors = response.body.singleResult.errors.map((error) => ({
        ...error,
        extensions: { ...error.extensions, requestId: contextValue.requestId },
      }));
    }
  },
};
