import type { DataSource } from 'typeorm';
import type { Clock } from '../lib/clock.js';

export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly hits: number;
  /** Whole seconds until the current window ends (what Retry-After says). */
  readonly retryAfterSeconds: number;
}

/**
 * Fixed-window counters in PostgreSQL, so every instance of the API counts together and a
 * restart forgets nothing. One atomic upsert per hit: two requests at once never both read the
 * same count. A fixed window lets a burst of up to twice the limit straddle a boundary, which is
 * fine for keeping bots off a form.
 */
export class RateLimitService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async hit(bucket: string, key: string, limit: RateLimit): Promise<RateLimitDecision> {
    const now = this.clock.now().getTime();
    const windowStart = Math.floor(now / limit.windowMs) * limit.windowMs;
    const rows = (await this.dataSource.query(
      `INSERT INTO rate_limit_counters (bucket, key, window_start, hits) VALUES ($1, $2, $3, 1)
       ON CONFLICT (bucket, key, window_start) DO UPDATE SET hits = rate_limit_counters.hits + 1
       RETURNING hits`,
      [bucket, key, new Date(windowStart)],
    )) as { hits: number }[];
    const hits = rows[0]!.hits;
    // A new window for this key: a good moment to forget the bucket's ended windows.
    if (hits === 1) await this.dataSource.query(`DELETE FROM rate_limit_counters WHERE bucket = $1 AND window_start < $2`, [bucket, new Date(windowStart)]);
    return { allowed: hits <= limit.max, hits, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + limit.windowMs - now) / 1000)) };
  }
}
