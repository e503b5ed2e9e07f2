import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { makeDataSource } from '../../../src/database/data-source.js';
import { createLogger } from '../../../src/logger.js';
import { startJobQueue, type JobQueue } from '../../../src/pipeline/job-queue.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

interface TestPayloads {
  'test.echo': { value: string };
  [name: string]: object;
}

/** Resolves with each payload a worker receives, in order. */
function collect() {
  const received: string[] = [];
  const waiters: (() => void)[] = [];
  return {
    received,
    push(value: string) {
      received.push(value);
      waiters.splice(0).forEach((wake) => wake());
    },
    async until(count: number, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${received.length} of ${count} jobs arrived`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
  };
}

describe('JobQueue', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let queue: JobQueue<TestPayloads>;
  const inbox = collect();

  before(async () => {
    database = await createTestDatabase();
    dataSource = makeDataSource({ url: database.url, poolSize: 3 });
    await dataSource.initialize();
    queue = await startJobQueue<TestPayloads>({ connectionString: database.url, logger: createLogger({ level: 'silent' }), queues: { 'test.echo': { retryLimit: 2, retryDelaySeconds: 1 } } });
    await queue.work('test.echo', async ({ value }) => inbox.push(value));
  });
  after(async () => {
    await queue.stop(2_000);
    await dataSource.destroy();
    await database.drop();
  });

  it('delivers a job enqueued on its own', async () => {
    await queue.enqueue('test.echo', { value: 'plain' });
    await inbox.until(1);
    assert.deepEqual(inbox.received, ['plain']);
  });

  it('delivers a job enqueued in a transaction only when that transaction commits', async () => {
    await assert.rejects(
      dataSource.transaction(async (manager) => {
        await queue.enqueue('test.echo', { value: 'rolled back' }, { manager });
        throw new Error('the state change failed');
      }),
      /the state change failed/,
    );
    await dataSource.transaction(async (manager) => {
      await queue.enqueue('test.echo', { value: 'committed' }, { manager });
    });
    await inbox.until(2);
    // Give a wrongly surviving job its chance to show up before concluding it does not exist.
    await queue.enqueue('test.echo', { value: 'marker' });
    await inbox.until(3);
    assert.deepEqual(inbox.received, ['plain', 'committed', 'marker']);
  });

  it('creates a job with a once-key only once, even after it ran', async () => {
    const first = await queue.enqueue('test.echo', { value: 'once' }, { onceKey: 'lead-1:intake' });
    assert.ok(first);
    await inbox.until(4);
    const again = await queue.enqueue('test.echo', { value: 'once' }, { onceKey: 'lead-1:intake' });
    assert.equal(again, null);
    await queue.enqueue('test.echo', { value: 'marker 2' });
    await inbox.until(5);
    assert.deepEqual(inbox.received.slice(3), ['once', 'marker 2']);
  });
});
