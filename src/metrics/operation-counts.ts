import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';

const FLUSH_EVERY_MS = 5_000;

export interface OperationCounter {
  count(operation: string, failed: boolean, at?: Date): void;
  /** Writes what is pending now (also called on close). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * GraphQL operations counted per minute and operation name in `graphql_operation_counts`, so the
 * API error rate covers every API process and survives restarts. Counts gather in memory and are
 * added with one upsert every few seconds: no write per request.
 */
export function createOperationCounter(dataSource: DataSource, logger: Logger): OperationCounter {
  let pending = new Map<string, { minute: Date; operation: string; requests: number; errors: number }>();
  let flushing: Promise<void> = Promise.resolve();

  const write = async () => {
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending = new Map();
    try {
      await dataSource.query(
        `INSERT INTO graphql_operation_counts (minute, operation, requests, errors)
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::int[], $4::int[])
         ON CONFLICT (minute, operation) DO UPDATE
           SET requests = graphql_operation_counts.requests + EXCLUDED.requests, errors = graphql_operation_counts.errors + EXCLUDED.errors`,
        [batch.map((row) => row.minute), batch.map((row) => row.operation), batch.map((row) => row.requests), batch.map((row) => row.errors)],
      );
    } catch (error) {
      // Counts are statistics: lost ones are logged, never retried into a growing backlog.
      logger.warn({ err: error, rows: batch.length }, 'could not write GraphQL operation counts');
    }
  };
  const flush = () => (flushing = flushing.then(write));
  const timer = setInterval(() => void flush(), FLUSH_EVERY_MS);
  timer.unref();

  return {
    count(operation, failed, at = new Date()) {
      const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
      const key = `${minute.getTime()}|${operation}`;
      const row = pending.get(key) ?? { minute, operation, requests: 0, errors: 0 };
      row.requests += 1;
      if (failed) row.errors += 1;
      pending.set(key, row);
    },
    flush,
    close: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}
