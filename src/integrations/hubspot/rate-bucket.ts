import type { DataSource } from 'typeorm';
import { returnedRows } from '../../database/query-rows.js';

export interface RateBucketOptions {
  name: string;
  /** Requests that may be made at once after a quiet spell. */
  capacity: number;
  /** Refill: `capacity` tokens per this many milliseconds. */
  perMs: number;
}

/** HubSpot's limit for private apps: 190 requests per rolling 10 s (its 429s say TEN_SECONDLY_ROLLING). */
export const HUBSPOT_RATE: RateBucketOptions = { name: 'hubspot', capacity: 190, perMs: 10_000 };

/**
 * A token bucket held in PostgreSQL, so every worker process draws on one budget. One atomic
 * UPDATE refills by the time passed (the database's clock, the same for every process) and takes
 * a token if there is one; otherwise it answers how long until there will be.
 */
export class RateBucket {
  constructor(
    private readonly dataSource: DataSource,
    private readonly options: RateBucketOptions,
  ) {}

  /** Takes a token: 0 when taken, otherwise the milliseconds to wait before asking again. */
  async tryTake(): Promise<number> {
    const { name, capacity, perMs } = this.options;
    const perSecond = (capacity / perMs) * 1000;
    await this.dataSource.query(`INSERT INTO rate_buckets (name, tokens, refilled_at) VALUES ($1, $2, now()) ON CONFLICT (name) DO NOTHING`, [name, capacity]);
    const refilled = `LEAST($2::double precision, tokens + EXTRACT(EPOCH FROM (now() - refilled_at)) * $3::double precision)`;
    const taken = returnedRows(
      await this.dataSource.query(`UPDATE rate_buckets SET tokens = ${refilled} - 1, refilled_at = now() WHERE name = $1 AND ${refilled} >= 1 RETURNING tokens`, [name, capacity, perSecond]),
    );
    if (taken.length === 1) return 0;
    const [row] = (await this.dataSource.query(`SELECT ${refilled} AS tokens FROM rate_buckets WHERE name = $1`, [name, capacity, perSecond])) as { tokens: number }[];
    return Math.max(1, Math.ceil(((1 - (row?.tokens ?? 0)) / perSecond) * 1000));
  }

  /** Waits for a token (or until the signal aborts). */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const waitMs = await this.tryTake();
      if (waitMs === 0) return;
      signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, 1_000)));
    }
  }
}
