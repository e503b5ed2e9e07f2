import type { DataSource } from 'typeorm';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import type { RateLimit } from './rate-limit.service.js';

export interface RateLimitVerdict {
  readonly allowed: boolean;
  /** Whole seconds until the current window ends (what Retry-After says). */
  readonly retryAfterSeconds: number;
}

/** Below this share of the budget a hit is decided from what this instance knows, without a round trip. */
const LOCAL_SHARE = 0.5;
/** Ended windows are deleted from PostgreSQL at most this often. */
const PRUNE_EVERY_MS = 60_000;

interface Counter {
  readonly bucket: string;
  readonly key: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly max: number;
  /** The global count as PostgreSQL last answered it (every instance's hits). */
  known: number;
  /** Hits this instance admitted and has not written yet. */
  unflushed: number;
  /** Whether PostgreSQL has answered for this window at least once. */
  synced: boolean;
}

interface FlushedRow {
  bucket: string;
  key: string;
  window_start: Date;
  hits: number;
}

/**
 * Fixed-window rate limits shared by every instance through `rate_limit_counters`, without a
 * PostgreSQL round trip on the hot path:
 *
 * - each instance counts locally per (bucket, key, window) and writes its increments in one
 *   batched upsert every `syncIntervalMs`, learning the global counts from its RETURNING;
 * - the first hit of a window on an instance, and every hit once this instance's view (global count
 *   last seen + its own unwritten hits) reaches half the budget, is written at once and decided on
 *   the count PostgreSQL returns, so a key near its limit is judged exactly;
 * - a key over its limit is refused locally until its window ends (abusers cost no queries).
 *
 * The bounded overshoot: hits other instances admitted locally and had not written yet when the
 * exact decisions ran. Each instance holds at most half the budget unwritten, and only for one
 * sync interval, so with N instances at most max + (N − 1) × ⌊max / 2⌋ hits pass in one window,
 * and in practice max + what the other instances admit within one `syncIntervalMs`.
 */
export class RateLimiter {
  private readonly counters = new Map<string, Counter>();
  private timer: NodeJS.Timeout | undefined;
  /** The batch being written: exact decisions wait for it, so a count they read is never missing it. */
  private flushing: Promise<void> = Promise.resolve();
  private lastPrune = 0;
  private readonly windowsByBucket = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly syncIntervalMs: number,
  ) {}

  /** Counts one hit of `key` in `bucket`; `limit` undefined means unlimited. */
  async hit(bucket: string, key: string, limit: RateLimit | undefined): Promise<RateLimitVerdict> {
    if (!limit) return ALLOWED;
    const now = this.clock.now().getTime();
    const windowStart = Math.floor(now / limit.windowMs) * limit.windowMs;
    const id = `${bucket}\u0000${key}\u0000${windowStart}`;
    let counter = this.counters.get(id);
    if (!counter) {
      counter = { bucket, key, windowStart, windowEnd: windowStart + limit.windowMs, max: limit.max, known: 0, unflushed: 0, synced: false };
      this.counters.set(id, counter);
      if ((this.windowsByBucket.get(bucket) ?? 0) < limit.windowMs) this.windowsByBucket.set(bucket, limit.windowMs);
      // The sweep also forgets ended windows: many one-off callers (addresses) must not pile up here.
      this.scheduleFlush();
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((counter.windowEnd - now) / 1000));
    if (counter.known >= counter.max) return { allowed: false, retryAfterSeconds };
    if (counter.synced && counter.known + counter.unflushed + 1 <= counter.max * LOCAL_SHARE) {
      counter.unflushed += 1;
      this.scheduleFlush();
      return { allowed: true, retryAfterSeconds };
    }
    return { allowed: await this.decideExactly(counter), retryAfterSeconds };
  }

  /** Writes every unwritten hit now (shutdown, and specs that want PostgreSQL current). */
  async flush(): Promise<void> {
    const previous = this.flushing;
    const batch = previous.then(() => this.writeBatch());
    this.flushing = batch.catch(() => undefined);
    await batch;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush().catch((error: unknown) => this.logger.warn({ err: error }, 'could not write the last rate-limit counts'));
  }

  private async decideExactly(counter: Counter): Promise<boolean> {
    await this.flushing;
    const take = counter.unflushed + 1;
    counter.unflushed = 0;
    try {
      const [row] = (await this.dataSource.query(
        `INSERT INTO rate_limit_counters (bucket, key, window_start, hits) VALUES ($1, $2, $3, $4)
         ON CONFLICT (bucket, key, window_start) DO UPDATE SET hits = rate_limit_counters.hits + EXCLUDED.hits
         RETURNING hits`,
        [counter.bucket, counter.key, new Date(counter.windowStart), take],
      )) as { hits: number }[];
      counter.known = Math.max(counter.known, row!.hits);
      counter.synced = true;
      return row!.hits <= counter.max;
    } catch (error) {
      // The request itself needs the database too; refusing everybody for our sake would be worse.
      counter.unflushed += take;
      this.logger.warn({ err: error }, 'rate-limit count could not be written; admitting the request');
      this.scheduleFlush();
      return true;
    }
  }

  private scheduleFlush(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error: unknown) => this.logger.warn({ err: error }, 'rate-limit counts could not be written; trying again'));
    }, this.syncIntervalMs);
    this.timer.unref();
  }

  private async writeBatch(): Promise<void> {
    const now = this.clock.now().getTime();
    const pending: Counter[] = [];
    for (const [id, counter] of this.counters) {
      if (counter.unflushed > 0) pending.push(counter);
      else if (counter.windowEnd <= now) this.counters.delete(id);
    }
    if (pending.length > 0) {
      const taken = pending.map((counter) => counter.unflushed);
      for (const counter of pending) counter.unflushed = 0;
      try {
        const rows = (await this.dataSource.query(
          `INSERT INTO rate_limit_counters (bucket, key, window_start, hits)
           SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[])
           ON CONFLICT (bucket, key, window_start) DO UPDATE SET hits = rate_limit_counters.hits + EXCLUDED.hits
           RETURNING bucket, key, window_start, hits`,
          [pending.map((counter) => counter.bucket), pending.map((counter) => counter.key), pending.map((counter) => new Date(counter.windowStart)), taken],
        )) as FlushedRow[];
        for (const row of rows) {
          const counter = this.counters.get(`${row.bucket}\u0000${row.key}\u0000${row.window_start.getTime()}`);
          if (counter) counter.known = Math.max(counter.known, row.hits);
        }
      } catch (error) {
        pending.forEach((counter, index) => (counter.unflushed += taken[index]!));
        this.scheduleFlush();
        throw error;
      }
    }
    if (now - this.lastPrune >= PRUNE_EVERY_MS && this.windowsByBucket.size > 0) {
      this.lastPrune = now;
      for (const [bucket, windowMs] of this.windowsByBucket) {
        await this.dataSource.query(`DELETE FROM rate_limit_counters WHERE bucket = $1 AND window_start < $2`, [bucket, new Date(now - windowMs)]);
      }
    }
  }
}

const ALLOWED: RateLimitVerdict = { allowed: true, retryAfterSeconds: 0 };
