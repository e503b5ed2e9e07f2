import { createClient, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

/** The WebSocket address of a server's /graphql. */
export const webSocketUrl = (graphqlUrl: string) => graphqlUrl.replace(/^http/, 'ws');

/**
 * The close code the server ends a connection with, opened with this key (or none). The client
 * is lazy and subscribes, so a refused connection surfaces through the sink, not as a rejection.
 */
export function closeCodeFor(graphqlUrl: string, key?: string): Promise<number> {
  return new Promise((resolve) => {
    const client = createClient({
      url: webSocketUrl(graphqlUrl),
      webSocketImpl: WebSocket,
      connectionParams: key ? { authorization: `Bearer ${key}` } : {},
      retryAttempts: 0,
      on: { closed: (event) => resolve((event as { code: number }).code) },
    });
    client.subscribe(
      { query: 'subscription { leadUpdated { id } }' },
      { next: () => undefined, error: () => void client.dispose(), complete: () => undefined },
    );
  });
}

export interface OpenSubscription<T> {
  /** The next result, or a failure after `ms` instead of a hanging test. */
  next(ms?: number): Promise<ExecutionResult<T>>;
  /** Every result received so far. */
  readonly received: ExecutionResult<T>[];
  close(): Promise<void>;
}

/** Subscribes and resolves once the server acknowledged the connection. */
export async function subscribe<T = Record<string, any>>(
  graphqlUrl: string,
  key: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<OpenSubscription<T>> {
  let acknowledged!: () => void;
  const ready = new Promise<void>((resolve) => (acknowledged = resolve));
  const client = createClient({
    url: webSocketUrl(graphqlUrl),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    lazy: false,
    retryAttempts: 0,
    on: { connected: () => acknowledged() },
  });
  const received: ExecutionResult<T>[] = [];
  const waiting: ((result: ExecutionResult<T>) => void)[] = [];
  const deliver = (result: ExecutionResult<T>) => {
    received.push(result);
    waiting.shift()?.(result);
  };
  let seen = 0;
  client.subscribe<T>(
    { query, variables },
    {
      next: deliver,
      error: (error) => deliver({ errors: Array.isArray(error) ? error : [{ message: String((error as Error).message ?? error) }] } as ExecutionResult<T>),
      complete: () => undefined,
    },
  );
  await ready;
  return {
    received,
    next: (ms = 10_000) => {
      if (seen < received.length) return Promise.resolve(received[seen++]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no subscription result within ${ms} ms`)), ms);
        waiting.push((result) => {
          clearTimeout(timer);
          seen++;
          resolve(result);
        });
      });
    },
    close: () => client.dispose() as Promise<void>,
  };
}
