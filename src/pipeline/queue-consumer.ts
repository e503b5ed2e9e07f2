import type { Job, JobWithMetadata, PgBoss } from 'pg-boss';
import type { Logger } from '../logger.js';
import type { JobHandler } from './job-queue.js';

export interface QueueConsumerOptions<T> {
  boss: PgBoss;
  queue: string;
  handler: JobHandler<T>;
  /** Jobs of this queue this process runs at once. */
  concurrency: number;
  logger: Logger;
  /** Without a NOTIFY, how long an idle consumer waits before it looks again (a retry's delay running out announces nothing). */
  pollMs: number;
  /** The queue's heartbeat: running jobs are refreshed at half of it. 0: no heartbeat. */
  heartbeatMs: number;
  /** A dead-letter queue: each job is fetched with where it failed, for the handler. */
  deadLetters: boolean;
}

export interface QueueConsumer {
  /** Something may be waiting (a NOTIFY for the queue, a reconnected listener): look now or as soon as a slot is free. */
  wake(): void;
  /** Stops fetching and waits up to `timeoutMs` for the running jobs; the ones still running then are aborted and handed back to the queue. */
  stop(timeoutMs: number): Promise<void>;
}

interface RunningJob {
  attempt: { id: string; retryCount: number };
  controller: AbortController;
  /** Settled once the handler returned and its outcome was recorded. */
  done: Promise<void>;
  /** The claim is gone (expired, released at shutdown, lost its heartbeat): the handler's outcome is no longer this worker's to record. */
  released: boolean;
}

const FETCH_ERROR_BACKOFF_MS = [250, 1_000, 5_000];

/**
 * One fetch loop for one queue, running up to `concurrency` jobs at once. It fetches as many jobs
 * as it has free slots, hands each to its own handler and settles each on its own, so a job
 * enqueued while others run starts as soon as a slot is free. It fetches only when something may
 * be waiting: a NOTIFY came, its last fetch filled every free slot, or its poll interval ran out.
 * (pg-boss's own work() runs a loop per unit of concurrency, and a NOTIFY wakes every idle one:
 * measured, 4.7 fetches per job under load, 3.7 of them empty.)
 *
 * What pg-boss's work() does for a running job, this does too: the job's heartbeat is refreshed
 * while it runs (a job whose claim the refresh no longer finds is aborted), a job running past its
 * `expireInSeconds` is aborted and failed, and every settle is fenced to the attempt fetched, so a
 * late answer from a released attempt changes nothing.
 */
export function startQueueConsumer<T>(options: QueueConsumerOptions<T>): QueueConsumer {
  const { boss, queue, handler, concurrency, logger, pollMs, heartbeatMs, deadLetters } = options;
  const running = new Map<string, RunningJob>();
  let stopping = false;
  /** Set by wake(), cleared just before a fetch: a NOTIFY that lands during a fetch is not lost. */
  let woken = true;
  let lastFetchFilled = false;
  let interrupt: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const rouse = () => {
    const resolve = interrupt;
    interrupt = undefined;
    resolve?.();
  };

  const release = (job: RunningJob, reason: string) => {
    if (job.released) return;
    job.released = true;
    job.controller.abort(new Error(reason));
  };

  const settle = async (job: RunningJob, outcome: PromiseSettledResult<void>) => {
    if (job.released) return;
    try {
      if (outcome.status === 'fulfilled') await boss.complete(queue, job.attempt);
      else await boss.fail(queue, job.attempt, { message: errorMessage(outcome.reason) });
    } catch (error) {
      // The claim stays until its heartbeat or expiry releases it; the handlers are idempotent.
      logger.error({ err: error, queue, jobId: job.attempt.id }, 'could not record a job outcome; the job is retried once its claim lapses');
    }
  };

  const refreshHeartbeats = async () => {
    const held = [...running.values()].filter((job) => !job.released);
    if (held.length === 0) return;
    let refreshed: Set<string>;
    try {
      const response = (await boss.touch(
        queue,
        held.map((job) => job.attempt),
      )) as { settled?: string[] };
      // Without the ids it refreshed, the heartbeat cannot tell which claim went missing.
      if (!response.settled) return;
      refreshed = new Set(response.settled);
    } catch (error) {
      // A heartbeat that could not run says nothing about the claims.
      logger.warn({ err: error, queue }, 'could not refresh the running jobs’ heartbeat');
      return;
    }
    for (const job of held) {
      if (!refreshed.has(job.attempt.id) && running.has(job.attempt.id)) release(job, `job ${job.attempt.id} is no longer claimed by this worker`);
    }
  };

  const updateHeartbeat = () => {
    if (heartbeatMs > 0 && running.size > 0 && !heartbeat) {
      heartbeat = setInterval(() => void refreshHeartbeats(), heartbeatMs / 2);
      heartbeat.unref();
    } else if (running.size === 0 && heartbeat) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  };

  const run = (fetched: Job<T> | JobWithMetadata<T>) => {
    const deadLettered = 'sourceName' in fetched && fetched.sourceName ? { queue: fetched.sourceName, retryCount: fetched.sourceRetryCount ?? 0, output: fetched.sourceOutput } : undefined;
    const attempt = { id: fetched.id, retryCount: fetched.retryCount };
    const controller = new AbortController();
    const job: RunningJob = { attempt, controller, released: false, done: Promise.resolve() };
    const expiry = setTimeout(() => {
      release(job, `the job ran past its ${fetched.expireInSeconds} s`);
      boss.fail(queue, attempt, { message: `the handler ran past the queue's expireInSeconds (${fetched.expireInSeconds} s)` }).catch((error: unknown) => {
        logger.error({ err: error, queue, jobId: attempt.id }, 'could not fail a job that ran past its expiry');
      });
    }, fetched.expireInSeconds * 1000);
    expiry.unref();
    running.set(attempt.id, job);
    job.done = Promise.resolve()
      .then(() => handler(fetched.data, { id: attempt.id, retryCount: attempt.retryCount, signal: controller.signal, ...(deadLettered ? { deadLettered } : {}) }))
      .then(
        () => ({ status: 'fulfilled', value: undefined }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      )
      .then((outcome) => {
        clearTimeout(expiry);
        return settle(job, outcome);
      })
      .finally(() => {
        running.delete(attempt.id);
        updateHeartbeat();
        rouse();
      });
  };

  /** Until a NOTIFY, a free slot worth fetching for, the poll interval or stop: whichever comes first. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        interrupt = undefined;
        resolve();
      }, ms);
      interrupt = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = async () => {
    let failures = 0;
    let lastFetchAt = 0;
    while (!stopping) {
      const free = concurrency - running.size;
      const due = Date.now() - lastFetchAt >= pollMs;
      if (free > 0 && (woken || lastFetchFilled || due)) {
        woken = false;
        lastFetchAt = Date.now();
        try {
          const jobs = deadLetters ? await boss.fetch<T>(queue, { batchSize: free, includeMetadata: true }) : await boss.fetch<T>(queue, { batchSize: free });
          failures = 0;
          lastFetchFilled = jobs.length === free;
          // Fetched as a stop began: they run within its grace like the others, or are handed back.
          jobs.forEach(run);
          updateHeartbeat();
          continue;
        } catch (error) {
          const backoffMs = FETCH_ERROR_BACKOFF_MS[Math.min(failures, FETCH_ERROR_BACKOFF_MS.length - 1)]!;
          failures += 1;
          logger.error({ err: error, queue, retryInMs: backoffMs }, 'could not fetch jobs; trying again');
          await pause(backoffMs);
          continue;
        }
      }
      // With every slot taken, only a finishing job (or stop) can make a fetch worthwhile.
      await pause(free > 0 ? Math.max(0, pollMs - (Date.now() - lastFetchAt)) : pollMs);
    }
  };
  const looping = loop();

  return {
    wake() {
      woken = true;
      if (running.size < concurrency) rouse();
    },
    async stop(timeoutMs) {
      stopping = true;
      rouse();
      await looping;
      const all = () => Promise.all([...running.values()].map((job) => job.done));
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const finished = await Promise.race([all().then(() => 'done' as const), graceOver]);
      clearTimeout(timer);
      if (finished === 'timeout') {
        const left = [...running.values()].filter((job) => !job.released);
        left.forEach((job) => release(job, 'the worker is shutting down'));
        if (left.length > 0) {
          await boss
            .fail(
              queue,
              left.map((job) => job.attempt),
              { message: 'the worker shut down before the job finished; it is retried' },
            )
            .catch((error: unknown) => logger.error({ err: error, queue }, 'could not hand the running jobs back at shutdown; they return when their heartbeat lapses'));
        }
      }
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = undefined;
    },
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
