import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createLogger } from '../../../src/logger.js';
import { startJobQueue, type JobQueue } from '../../../src/pipeline/job-queue.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

interface Payloads {
  [name: string]: { n: number };
}

/** A promise with its resolve, to hold a handler until the spec lets it go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Each spec works a queue of its own on one database. The poll interval is a minute, far past
 * every spec's patience: a job is only taken in time if its NOTIFY woke the consumer (or a slot
 * freed with work known to be waiting).
 */
describe('JobQueue consumers: one fetch loop per queue, per-job settling, heartbeat, expiry and shutdown', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const queues: JobQueue<Payloads>[] = [];

  const start = async (queue: string, policy: { retryLimit?: number; retryDelaySeconds?: number; expireInSeconds?: number } = {}, heartbeatMs?: number) => {
    const jobs = await startJobQueue<Payloads>({
      connectionString: database.url,
      logger: createLogger({ level: 'silent' }),
      queues: { [queue]: { retryLimit: 0, retryBackoff: false, ...policy } },
      pollMs: 60_000,
      ...(heartbeatMs ? { heartbeatMs } : {}),
    });
    queues.push(jobs);
    return jobs;
  };
  const jobRow = async (id: string) =>
    (await pool.query<{ state: string; retry_count: number; output: { message?: string } | null }>(`SELECT state, retry_count, output FROM pgboss.job WHERE id = $1`, [id])).rows[0];

  before(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
  });
  after(async () => {
    await Promise.all(queues.map((queue) => queue.stop(1_000)));
    await pool.end();
    await database.drop();
  });

  it('takes a job sent while it idles at once: the NOTIFY wakes it, not the poll', async () => {
    const received: number[] = [];
    const queue = await start('consumer-notify');
    await queue.work('consumer-notify', async ({ n }) => void received.push(n));
    // Past the consumer's first look, which finds the queue empty and waits for a NOTIFY.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await queue.enqueue('consumer-notify', { n: 1 });
    await eventually('the job', () => (received.length === 1 ? true : undefined), 10_000);
    assert.deepEqual(received, [1]);
  });

  it('takes jobs again after its database connections were cut, without waiting for the poll', async () => {
    const received: number[] = [];
    const queue = await start('consumer-reconnect');
    await queue.work('consumer-reconnect', async ({ n }) => void received.push(n));
    await queue.enqueue('consumer-reconnect', { n: 1 });
    await eventually('the first job', () => (received.length === 1 ? true : undefined));
    // A database restart, as the consumer sees it: every connection of its process goes.
    await pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'leadpilot:%'`);
    // Sent while the listening connection is down: its NOTIFY reaches nobody; the reconnection's look finds the job.
    let sent = false;
    for (let attempt = 0; attempt < 20 && !sent; attempt += 1) {
      sent = await queue.enqueue('consumer-reconnect', { n: 2 }).then(
        () => true,
        () => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100)),
      );
    }
    await eventually('the job sent after the cut', () => (received.length === 2 ? true : undefined), 10_000);
    assert.deepEqual(received, [1, 2]);
  });

  it('runs up to its concurrency at once, starts the next job as soon as one finishes, and completes each on its own', async () => {
    const queue = await start('consumer-slots');
    const gates = new Map<number, ReturnType<typeof gate>>();
    let running = 0;
    let mostAtOnce = 0;
    const started: number[] = [];
    await queue.work(
      'consumer-slots',
      async ({ n }) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        started.push(n);
        const held = gate();
        gates.set(n, held);
        await held.opened;
        running -= 1;
      },
      { concurrency: 3 },
    );
    const ids: string[] = [];
    for (let n = 1; n <= 5; n += 1) ids.push((await queue.enqueue('consumer-slots', { n }))!);
    await eventually('three jobs running', () => (started.length === 3 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(started.length, 3, 'no fourth job while three run');

    const first = started[0]!;
    gates.get(first)!.open();
    await eventually('a fourth job', () => (started.length === 4 ? true : undefined));
    assert.equal((await jobRow(ids[first - 1]!))?.state, 'completed', 'the finished job completed without waiting for the others');

    for (const held of gates.values()) held.open();
    await eventually('the fifth job', () => (started.length === 5 ? true : undefined));
    for (const held of gates.values()) held.open();
    await eventually('every job completed', async () => ((await Promise.all(ids.map(jobRow))).every((row) => row?.state === 'completed') ? true : undefined));
    assert.equal(mostAtOnce, 3);
    assert.deepEqual([...started].sort(), [1, 2, 3, 4, 5]);
  });

  it('fails a job whose handler throws, with the reason, and completes the job beside it', async () => {
    const queue = await start('consumer-failure');
    const hold = gate();
    await queue.work(
      'consumer-failure',
      async ({ n }) => {
        await hold.opened;
        if (n === 1) throw new Error('the model refused');
      },
      { concurrency: 2 },
    );
    const failing = (await queue.enqueue('consumer-failure', { n: 1 }))!;
    const fine = (await queue.enqueue('consumer-failure', { n: 2 }))!;
    hold.open();
    const failed = await eventually('the failed job', async () => {
      const row = await jobRow(failing);
      return row?.state === 'failed' ? row : undefined;
    });
    assert.match(failed.output?.message ?? '', /Error: the model refused/);
    await eventually('the other job completed', async () => ((await jobRow(fine))?.state === 'completed' ? true : undefined));
  });

  it('aborts and fails a job running past its expireInSeconds, so it is retried', async () => {
    const queue = await start('consumer-expiry', { expireInSeconds: 1, retryLimit: 1, retryDelaySeconds: 30 });
    const reasons: string[] = [];
    await queue.work('consumer-expiry', async (_payload, job) => {
      await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
      reasons.push(String((job.signal.reason as Error).message));
    });
    const id = (await queue.enqueue('consumer-expiry', { n: 1 }))!;
    await eventually('the abort', () => (reasons.length === 1 ? true : undefined));
    assert.match(reasons[0]!, /ran past its 1 s/);
    const row = await eventually('the job handed back', async () => {
      const current = await jobRow(id);
      return current?.state === 'retry' ? current : undefined;
    });
    assert.equal(row.retry_count, 0);
  });

  it('aborts a running job whose claim its heartbeat no longer finds (failed from elsewhere), and records nothing over it', async () => {
    const queue = await start('consumer-heartbeat', { retryLimit: 1, retryDelaySeconds: 30 }, 10_000);
    const started = gate();
    let aborted: string | undefined;
    let idSeen: string | undefined;
    await queue.work('consumer-heartbeat', async (_payload, job) => {
      idSeen = job.id;
      started.open();
      await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
      aborted = String((job.signal.reason as Error).message);
    });
    const id = (await queue.enqueue('consumer-heartbeat', { n: 1 }))!;
    await started.opened;
    assert.equal(idSeen, id);
    // What a supervisor of another process does to a claim it believes dead (with a retry delay).
    await pool.query(`UPDATE pgboss.job SET state = 'retry', started_on = NULL, start_after = now() + interval '30 seconds' WHERE id = $1`, [id]);
    // The heartbeat runs every 5 s (half of 10 s).
    const reason = await eventually('the abort', () => aborted, 12_000);
    assert.match(reason, /no longer claimed by this worker/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await jobRow(id))?.state, 'retry', 'the released handler’s return did not complete the job over the new claim');
  });

  it('on stop: lets a job that ends within the grace complete, and aborts and hands back the one that does not', async () => {
    const queue = await start('consumer-stop', { retryLimit: 2, retryDelaySeconds: 30 });
    const quick = gate();
    let slowReason: string | undefined;
    const running = new Set<number>();
    await queue.work(
      'consumer-stop',
      async ({ n }, job) => {
        running.add(n);
        if (n === 1) return quick.opened;
        await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
        slowReason = String((job.signal.reason as Error).message);
      },
      { concurrency: 2 },
    );
    const quickId = (await queue.enqueue('consumer-stop', { n: 1 }))!;
    const slowId = (await queue.enqueue('consumer-stop', { n: 2 }))!;
    await eventually('both jobs running', () => (running.size === 2 ? true : undefined));
    const stopped = queue.stop(1_500);
    setTimeout(quick.open, 300);
    await stopped;
    assert.equal((await jobRow(quickId))?.state, 'completed');
    const slow = await jobRow(slowId);
    assert.equal(slow?.state, 'retry', 'handed back to the queue for another worker');
    assert.match(slow?.output?.message ?? '', /shut down before the job finished/);
    assert.match(slowReason ?? '', /shutting down/);
  });
});
