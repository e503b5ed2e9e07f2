import { createHash } from 'node:crypto';
import { PgBoss } from 'pg-boss';
import type { EntityManager } from 'typeorm';
import type { Logger } from '../logger.js';
import { PreparingClient } from '../database/preparing-client.js';
import { createPostgresListener, type PostgresListener } from '../pubsub/postgres-listener.js';
import { startQueueConsumer, type QueueConsumer } from './queue-consumer.js';

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
  /**
   * Where a job goes that failed its last attempt (its handler threw, its worker was lost, it ran
   * past its expiry): a copy lands on this queue, with where it came from (`JobHandler`'s
   * `deadLettered`). The queue must be one of the same `queues`.
   */
  deadLetter?: string;
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

export interface DeadLetteredFrom {
  /** The queue the job failed on. */
  queue: string;
  /** Its last attempt's retry count. */
  retryCount: number;
  /** What its last attempt failed with (pg-boss's output: `{ message }` for the usual causes). */
  output: unknown;
}

export type JobHandler<T> = (payload: T, job: { id: string; retryCount: number; signal: AbortSignal; deadLettered?: DeadLetteredFrom }) => Promise<void>;

/**
 * The durable job queue, over pg-boss on the application's own PostgreSQL. `Payloads` maps each
 * queue name to its payload type, so a handler and its producers cannot disagree.
 */
export interface JobQueue<Payloads extends Record<string, object>> {
  enqueue<Name extends keyof Payloads & string>(name: Name, payload: Payloads[Name], options?: EnqueueOptions): Promise<string | null>;
  /** `deadLetters`: the queue is a dead-letter queue; its handler is told where each job failed. */
  work<Name extends keyof Payloads & string>(name: Name, handler: JobHandler<Payloads[Name]>, options?: { concurrency?: number; deadLetters?: boolean }): Promise<void>;
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
  /**
   * How often an idle consumer looks for jobs no NOTIFY announced (a retry whose delay ran out).
   * Default 2 s.
   */
  pollMs?: number;
}

const DEFAULT_POLL_MS = 2_000;
const BOSS_SCHEMA = 'pgboss';

/**
 * The channel pg-boss NOTIFYs on when a job of a notify-enabled queue is sent (pg-boss's
 * plans.notifyChannelSql: 'pgboss_' and the first 24 hex digits of the schema's SHA-224). A spec
 * holds it to pg-boss: if the two ever differ, jobs would wait for the poll.
 */
export function jobNotifyChannel(schema: string): string {
  return `pgboss_${createHash('sha224').update(schema).digest('hex').slice(0, 24)}`;
}

export async function startJobQueue<Payloads extends Record<string, object>>(options: JobQueueOptions<Payloads>): Promise<JobQueue<Payloads>> {
  const { logger } = options;
  const heartbeatSeconds = options.heartbeatMs ? Math.max(10, Math.ceil(options.heartbeatMs / 1000)) : undefined;
  const boss = new PgBoss({
    connectionString: options.connectionString,
    // The consumers LISTEN themselves (below): pg-boss's listener wakes work() loops only.
    useListenNotify: false,
    max: options.poolSize ?? 5,
    application_name: 'leadpilot:jobs',
    // pg-boss hands its options to pg.Pool, whose `Client` its types do not list.
    ...({ Client: PreparingClient } as object),
    // Expiry runs in the queue monitor, which keeps its own interval: both follow the option.
    ...(options.superviseIntervalSeconds ? { superviseIntervalSeconds: options.superviseIntervalSeconds, monitorIntervalSeconds: options.superviseIntervalSeconds } : {}),
  });
  boss.on('error', (error: unknown) => logger.error({ err: error, component: 'job-queue' }, 'job queue error'));
  await boss.start();
  // A dead-letter queue exists before the queues that name it.
  const queueEntries = (Object.entries(options.queues) as [string, Partial<QueuePolicy>][]).sort(([, a], [, b]) => Number(Boolean(a.deadLetter)) - Number(Boolean(b.deadLetter)));
  for (const [name, policy] of queueEntries) {
    const settings = { ...bossQueueOptions({ ...DEFAULT_QUEUE_POLICY, ...policy }), ...(heartbeatSeconds ? { heartbeatSeconds } : {}) };
    // notify: sending a job of the queue NOTIFYs the consumers, which otherwise wait for a poll.
    await boss.createQueue(name, { ...settings, notify: true, ...(policy.policy ? { policy: policy.policy } : {}) });
    // createQueue leaves an existing queue as it was: without this, a changed setting (retries,
    // delay, step timeout) would never reach a database that has run before.
    await boss.updateQueue(name, settings);
  }

  const consumersByQueue = new Map<string, QueueConsumer[]>();
  const allConsumers = () => [...consumersByQueue.values()].flat();
  // pg-boss announces a new job with a NOTIFY whose payload is the queue's name; one LISTEN per
  // process, opened when the process first works a queue (an API-only process never does).
  let listener: PostgresListener | undefined;
  let listenerStarted: Promise<void> | undefined;
  const listening = () => {
    listener ??= createPostgresListener({
      connectionString: options.connectionString,
      channel: jobNotifyChannel(BOSS_SCHEMA),
      logger,
      onNotification: (queue) => consumersByQueue.get(queue ?? '')?.forEach((consumer) => consumer.wake()),
      // What was announced while the connection was down is picked up by one look at every queue.
      onConnected: () => allConsumers().forEach((consumer) => consumer.wake()),
    });
    listenerStarted ??= listener.start();
    return listenerStarted;
  };

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
      const consumer = startQueueConsumer<Payloads[typeof name]>({
        boss,
        queue: name,
        handler,
        concurrency: Math.max(1, workOptions.concurrency ?? 1),
        logger,
        pollMs: options.pollMs ?? DEFAULT_POLL_MS,
        heartbeatMs: heartbeatSeconds ? heartbeatSeconds * 1000 : 0,
        deadLetters: workOptions.deadLetters ?? false,
      });
      consumersByQueue.set(name, [...(consumersByQueue.get(name) ?? []), consumer]);
      await listening();
    },
    async stop(timeoutMs = 20_000) {
      // Every consumer stops fetching at once and drains within the same grace.
      await Promise.all(allConsumers().map((consumer) => consumer.stop(timeoutMs)));
      await listener?.close();
      await boss.stop({ graceful: true, timeout: 1_000, close: true });
    },
  };
}

/** The policy in pg-boss's own option names (it ignores names it does not know, such as retryDelaySeconds). */
function bossQueueOptions(policy: QueuePolicy) {
  return {
    retryLimit: policy.retryLimit,
    retryDelay: policy.retryDelaySeconds,
    retryBackoff: policy.retryBackoff,
    expireInSeconds: policy.expireInSeconds,
    ...(policy.deadLetter ? { deadLetter: policy.deadLetter } : {}),
  };
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
