import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFreePort } from '../../../src/database/embedded-postgres.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { startServe, type ServeProcess } from '../../helpers/process.js';

describe('METRICS_PORT: /metrics for a process without the api role', () => {
  let database: TestDatabase;
  let worker: ServeProcess | undefined;

  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    await database.drop();
  });

  it('serves /metrics of a worker-only process on its own port, and nothing else there', async () => {
    const port = await findFreePort();
    worker = startServe(['--roles', 'worker'], { DATABASE_URL: database.url, METRICS_PORT: String(port), LLM_PROVIDERS: 'offline', LOG_LEVEL: 'warn' });
    await worker.waitFor(new RegExp(`Metrics at http://127\\.0\\.0\\.1:${port}/metrics`));

    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    // Process metrics, and the readings taken from the database at scrape time.
    assert.match(text, /^leadpilot_process_cpu_user_seconds_total /m);
    assert.match(text, /^leadpilot_outbox_backlog[{ ]/m);
    assert.match(text, /^# TYPE leadpilot_job_queue_depth gauge$/m);

    const graphql = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST' });
    assert.equal(graphql.status, 404);
    worker.child.kill('SIGTERM');
    assert.equal(await worker.exited, 0);
  });
});
