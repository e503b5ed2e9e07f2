import type { ErrorRequestHandler, RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import type { Principal } from '../auth/principal.js';
import { rateLimitedMessage, type RequestLimits } from '../auth/request-limits.js';
import type { Services } from '../services/index.js';

/** What the gate found out about the caller; the GraphQL context reads it instead of asking again. */
export type GraphQLCaller = { readonly principal: Principal | undefined } | { readonly refusal: unknown };

declare module 'express-serve-static-core' {
  interface Request {
    graphqlCaller?: GraphQLCaller;
  }
}

/**
 * In front of /graphql, before the body is read: resolves the key once and charges the request to
 * it (by role), or to the client IP when there is no valid key, so failed sign-ins from the
 * dashboard and guessed keys are counted too. Over the limit: 429, Retry-After and a GraphQL error
 * with extensions.code RATE_LIMITED. An unusable key is not refused here: Apollo answers it, as
 * before, from the context.
 */
export function graphqlGate(options: {
  services: Services;
  limits: RequestLimits;
  authenticate: (header: string | undefined, services: Services) => Promise<Principal | undefined>;
}): RequestHandler {
  const { services, limits, authenticate } = options;
  return async (request, response, next) => {
    try {
      let caller: GraphQLCaller;
      try {
        caller = { principal: await authenticate(request.headers.authorization, services) };
      } catch (error) {
        // authenticate throws GraphQLErrors for keys it refuses; anything else is ours (a database down).
        if (!(error instanceof GraphQLError)) throw error;
        caller = { refusal: error };
      }
      const principal = 'principal' in caller ? caller.principal : undefined;
      const verdict = principal ? await limits.forKey(principal) : await limits.forAddress(request.ip ?? request.socket.remoteAddress ?? 'unknown');
      if (!verdict.allowed) {
        response.setHeader('Retry-After', String(verdict.retryAfterSeconds));
        response.status(429).json({
          errors: [{ message: rateLimitedMessage(verdict), extensions: { code: 'RATE_LIMITED', retryAfter: verdict.retryAfterSeconds, requestId: request.requestId } }],
        });
        return;
      }
      request.graphqlCaller = caller;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** The principal the gate resolved; a refused key is thrown here, inside Apollo, which answers it. */
export function callerOf(caller: GraphQLCaller | undefined): Principal | undefined {
  if (!caller) return undefined;
  if ('refusal' in caller) throw caller.refusal;
  return caller.principal;
}

/**
 * A /graphql body express could not read: too large (413) or not JSON (400), answered as a
 * GraphQL error so clients handle it like any other.
 */
export const graphqlBodyErrors: ErrorRequestHandler = (error: unknown, request, response, next) => {
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  const limit = typeof error === 'object' && error !== null ? Number((error as { limit?: unknown }).limit) : NaN;
  if (type === 'entity.too.large') {
    response.status(413).json({
      errors: [{ message: `The request body is larger than the ${Math.round(limit / 1024)} kB allowed.`, extensions: { code: 'PAYLOAD_TOO_LARGE', requestId: request.requestId } }],
    });
    return;
  }
  if (type === 'entity.parse.failed') {
    const detail = error instanceof Error ? error.message : '';
    response.status(400).json({
      errors: [{ message: `The request body is not valid JSON (${detail}). Send {"query": "...", "variables": {...}} with Content-Type: application/json.`, extensions: { code: 'BAD_REQUEST', requestId: request.requestId } }],
    });
    return;
  }
  next(error);
};
