import { createHash } from 'node:crypto';
import { PgBoss, type Job } from 'pg-boss';
import type { EntityManager } from 'typeorm';
import type { Logger } from '../logger.js';

/** Per-queue policy: how often a failed job is tried again, and how. */
export interface QueuePolicy {
  retryLimit: number;
  retryDelaySeconds: number;
  /** Exponential backoff (pg-boss adds jitter). */
  retryBackoff: boolean;
  /** A running job not finished by then is failed (and retried). */
  expireInSeconds: number;
  /**
   * pg-boss's queue policy, fixed when the queue is first created: `singleton` lets one job of the
   * queue be active at a time across every process (the Slack card posts, in order).
   */
  policy?: 'standard' | 'singleton';
}

export const DEFAULT_QUEUE_POLICY: QueuePolicy = { retryLimit: 5, retryDelaySeconds: 2, retryBackoff: true, expireInSeconds: 900 };

export interface EnqueueOptions {
  /**
   * The transaction of the state change that asks for the job: the job exists exactly when that
   * change commits.
   */
  manager?: EntityManager;
  /**
   * A job with this key is created once: the job id is derived from it, so enqueueing the same
   * step twice (a redelivered handler, a retried request) is a no-op that returns null for as long
   * as pg-boss keeps the first job (its retention, days). Handlers stay idempotent regardless.
   */
  onceKey?: string;
  startAfter?: Date;
}

export type JobHandler<T> = (payload: T, job: { id: string; retryCount: number; signal: AbortSignal }) => Promise<void>;

/**
 * The durable job queue, over pg-boss on the application's own PostgreSQL. `Payloads` maps each
 * queue name to its payload type, so a handler and its producers cannot disagree.
 */
export interface JobQueue<Payloads extends Record<string, object>> {
  enqueue<Name extends keyof Payloads & string>(name: Name, payload: Payloads[Name], options?: EnqueueOptions): Promise<string | null>;
  work<Name extends keyof Payloads & string>(name: Name, handler: JobHandler<Payloads[Name]>, options?: { concurrency?: number }): Promise<void>;
  /** Stops fetching, lets running handlers finish (up to `timeoutMs`), then closes the pool. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface JobQueueOptions<Payloads extends Record<string, object>> {
  connectionString: string;
  logger: Logger;
  queues: { readonly [Name in keyof Payloads]: Partial<QueuePolicy> };
  /** Connections pg-boss may hold. */
  poolSize?: number;
  /**
   * Every queue's heartbeat: a worker refreshes its running jobs at half this interval, and a job
   * not refreshed for this long (its process was killed or lost) is failed and retried elsewhere,
   * without waiting for its expiry. Whole seconds, at least 10 (pg-boss's minimum). Unset: only the
   * expiry releases a dead worker's jobs.
   */
  heartbeatMs?: number;
  /** How often expired jobs are released and queues monitored (pg-boss's default: 60 s). */
  superviseIntervalSeconds?: number;
}

export async function startJobQueue<Payloads extends Record<string, object>>(options: JobQueueOptions<Payloads>): Promise<JobQueue<Payloads>> {
  const { logger } = options;
  // Without LISTEN/NOTIFY a job waits for the next poll (measured: 2 s instead of 8 ms).
  const boss = new PgBoss({
    connectionString: options.connectionString,
    useListenNotify: true,
    max: options.poolSize ?? 5,
    application_name: 'leadpilot:jobs',
    // Expiry runs in the queue monitor, which keeps its own interval: both follow the option.
    ...(options.superviseIntervalSeconds ? { superviseIntervalSeconds: options.superviseIntervalSeconds, monitorIntervalSeconds: options.superviseIntervalSeconds } : {}),
  });
  boss.on('error', (error: unknown) => logger.error({ err: error, component: 'job-queue' }, 'job queue error'));
  await boss.start();
  for (const [name, policy] of Object.entries(options.queues) as [string, Partial<QueuePolicy>][]) {
    const settings = { ...bossQueueOptions({ ...DEFAULT_QUEUE_POLICY, ...policy }), ...(options.heartbeatMs ? { heartbeatSeconds: Math.max(10, Math.ceil(options.heartbeatMs / 1000)) } : {}) };
    await boss.createQueue(name, { ...settings, notify: true, ...(policy.policy ? { policy: policy.policy } : {}) });
    // createQueue leaves an existing queue as it was: without this, a changed setting (retries,
    // delay, step timeout) would never reach a database that has run before.
    await boss.updateQueue(name, settings);
  }

  return {
    async enqueue(name, payload, enqueueOptions = {}) {
      const { manager, onceKey, startAfter } = enqueueOptions;
      return boss.send(name, payload, {
        ...(onceKey ? { id: jobIdFor(name, onceKey) } : {}),
        ...(startAfter ? { startAfter } : {}),
        ...(manager ? { db: transactionDatabase(manager) } : {}),
      });
    },
    async work(name, handler, workOptions = {}) {
      const concurrency = Math.max(1, workOptions.concurrency ?? 1);
      const settle = async (jobs: Job<Payloads[typeof name]>[]) => {
        // Each job settles on its own: one failing job is retried without its batch.
        const outcomes = await Promise.allSettled(jobs.map((job) => handler(job.data, { id: job.id, retryCount: job.retryCount, signal: job.signal })));
        return jobs.map((job, index) => {
          const outcome = outcomes[index]!;
          return outcome.status === 'fulfilled'
            ? { id: job.id, status: 'completed' as const }
            : { id: job.id, status: 'failed' as const, output: { message: errorMessage(outcome.reason) } };
        });
      };
      // One fetch loop per unit of concurrency, one job at a time: a job enqueued while other
      // loops are busy is taken by an idle one at once (in batches it waited for a whole batch to
      // finish: measured, 1.4x the model time on the critical path). pg-boss waits out its poll
      // interval after a fetch unless a NOTIFY arrived meanwhile, so a loop that has just finished
      // a job wakes itself and fetches again at once: a backlog drains as fast as the handlers run,
      // and only an empty fetch waits for the next NOTIFY. A NOTIFY wakes every idle loop, so
      // polling is only the backstop for what no NOTIFY announces (a retry's delay running out):
      // the first loop polls every 2 s, the others rarely, or an idle worker would poll
      // `concurrency` times per interval and queue.
      for (let loop = 0; loop < concurrency; loop += 1) {
        const pollSeconds = loop === 0 ? 2 : 30;
        let workerId: string | undefined;
        workerId = await boss.work<Payloads[typeof name]>(
          name,
          { batchSize: 1, localConcurrency: 1, perJobResults: true, pollingIntervalSeconds: pollSeconds, notifyPollingIntervalSeconds: pollSeconds },
          async (jobs: Job<Payloads[typeof name]>[]) => {
            const results = await settle(jobs);
            if (workerId) boss.notifyWorker(workerId);
            return results;
          },
        );
      }
    },
    async stop(timeoutMs = 20_000) {
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
    },
  };
}

/** The policy in pg-boss's own option names (it ignores names it does not know, such as retryDelaySeconds). */
function bossQueueOptions(policy: QueuePolicy) {
  return { retryLimit: policy.retryLimit, retryDelay: policy.retryDelaySeconds, retryBackoff: policy.retryBackoff, expireInSeconds: policy.expireInSeconds };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** pg-boss runs its INSERT on the caller's transaction through this adapter. */
function transactionDatabase(manager: EntityManager) {
  return {
    executeSql: async (text: string, values?: unknown[]) => {
      const runner = manager.queryRunner;
      if (!runner) throw new Error('enqueue({ manager }) needs the EntityManager of a running transaction');
      const result = (await runner.query(text, values as unknown[], true)) as { records: unknown[] };
      return { rows: result.records as any[] };
    },
  };
}

/** A UUID (version 8, name-based) from the queue and the key. */
export function jobIdFor(queue: string, key: string): string {
  const hex = createHash('sha256').update(`${queue}\u0000${key}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
