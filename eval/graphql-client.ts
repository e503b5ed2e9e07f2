/**
 * The harness talks to the pipeline as any client does: GraphQL over HTTP with an API key.
 * Errors (HTTP, GraphQL or a missing field) throw with the operation's name, so a harness error
 * says where it happened.
 */

export interface GraphqlClient {
  request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export class GraphqlRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphqlRequestError';
  }
}

const operationName = (query: string) => /\b(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous operation';

/** No single request of the harness takes long; one that hangs would otherwise hang the run. */
const REQUEST_TIMEOUT_MS = 30_000;

export function createGraphqlClient(url: string, apiKey: string): GraphqlClient {
  return {
    async request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      const name = operationName(query);
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      let body: { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] };
      try {
        body = (await response.json()) as typeof body;
      } catch {
        throw new GraphqlRequestError(`${name}: HTTP ${response.status}, not a GraphQL response`);
      }
      if (body.errors && body.errors.length > 0) {
        const messages = body.errors.map((error) => `${error.message}${error.extensions?.code ? ` [${error.extensions.code}]` : ''}`);
        throw new GraphqlRequestError(`${name}: ${messages.join('; ')}`);
      }
      if (!response.ok || body.data === undefined || body.data === null) throw new GraphqlRequestError(`${name}: HTTP ${response.status} without data`);
      return body.data;
    },
  };
}
