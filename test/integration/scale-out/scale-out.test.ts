import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { findFreePort } from '../../../src/database/embedded-postgres.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { graphql } from '../../helpers/graphql.js';
import { sampleLead } from '../../helpers/sample-leads.js';
import { startServe, stopProcesses, type ServeProcess } from '../../helpers/process.js';
import { subscribe, type OpenSubscription } from '../../helpers/subscriptions.js';

const LEAD_COUNT = 200;
const ADMIN_KEY = 'lp_scale-out-admin-key-shared-by-every-process';
const SUBMIT = `mutation ($input: SubmitLeadInput!) { submitLead(input: $input) { id } }`;
/**
 * Every process on one database, with the offline models; a killed worker's jobs come back after
 * one heartbeat. Smaller pools than the defaults: four processes share a test server whose
 * max_connections (100) other spec files use at the same time.
 */
const SHARED_ENV = { ADMIN_API_KEY: ADMIN_KEY, LLM_PROVIDERS: 'offline', JOB_HEARTBEAT: '10s', DATABASE_POOL_SIZE: '5', WORKER_CONCURRENCY: '4' };

interface Progress {
  awaiting: number;
  failed: number;
  firstReplies: number;
  unfinishedJobs: number;
}

/**
 * Two API processes and two worker processes, each a real `leadpilot serve`, on one database. The
 * spec talks to them only as a client would (HTTP, WebSocket) and reads the database to check
 * that nothing happened twice.
 */
describe('leadpilot serve scaled out: two api and two worker processes on one database', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const apis: { process: ServeProcess; url: string }[] = [];
  const workers: ServeProcess[] = [];
  let tearingDown = false;
  const poolErrors: Error[] = [];
  let subscription: OpenSubscription<{ leadUpdated: { id: string; status: string } }>;

  async function progress(): Promise<Progress> {
    const [row] = (
      await pool.query(`
        SELECT (SELECT count(*) FROM leads WHERE status = 'awaiting_approval')::int AS awaiting,
               (SELECT count(*) FROM leads WHERE status = 'failed')::int AS failed,
               (SELECT count(*) FROM outbound_messages WHERE kind = 'first_reply')::int AS "firstReplies",
               (SELECT count(*) FROM pgboss.job WHERE (name LIKE 'lead-%' OR name LIKE 'proposal-%') AND state IN ('created', 'retry', 'active'))::int AS "unfinishedJobs"`)
    ).rows as Progress[];
    return row!;
  }

  /** Polls the database (cheap, one query) until `done`; a failed lead ends the wait at once. */
  async function waitForProgress(what: string, done: (state: Progress) => boolean, timeoutMs: number): Promise<Progress> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await progress();
      if (state.failed > 0) throw new Error(`${state.failed} lead(s) FAILED while waiting for ${what}: ${JSON.stringify(await failures())}`);
      if (done(state)) return state;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(state)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  const failures = async () => (await pool.query(`SELECT lead_id, data FROM lead_activities WHERE type = 'pipeline.failed' LIMIT 5`)).rows;

  before(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    // An idle connection ended by the server (the database dropped with FORCE at the end) must not
    // throw; any other is a failure of the spec's reads and is reported.
    pool.on('error', (error) => {
      if (!tearingDown) poolErrors.push(error);
    });
    const env = { ...SHARED_ENV, DATABASE_URL: database.url };
    for (let index = 0; index < 2; index += 1) {
      const port = await findFreePort();
      apis.push({ process: startServe(['--roles', 'api'], { ...env, PORT: String(port) }), url: `http://127.0.0.1:${port}/graphql` });
      workers.push(startServe(['--roles', 'worker'], env));
    }
    await Promise.all([...apis.map((api) => api.process.waitFor(/serving GraphQL/, 60_000)), ...workers.map((worker) => worker.waitFor(/pipeline worker started/, 60_000))]);
    subscription = await subscribe(apis[0]!.url, ADMIN_KEY, 'subscription { leadUpdated { id status } }');
  });

  after(async () => {
    tearingDown = true;
    await subscription?.close();
    await stopProcesses([...apis.map((api) => api.process), ...workers]);
    await pool?.end();
    await database?.drop();
  });

  it(`takes ${LEAD_COUNT} leads submitted across both APIs to PENDING_APPROVAL exactly once, through a worker killed with SIGKILL mid-run`, async () => {
    // Submitted in parallel, alternating between the two APIs.
    const viaApi: string[][] = [[], []];
    let next = 0;
    const submitter = async () => {
      for (let index = next++; index < LEAD_COUNT; index = next++) {
        const api = index % 2;
        const response = await graphql(apis[api]!.url, SUBMIT, { key: ADMIN_KEY, variables: { input: sampleLead(index, 'scale') } });
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        viaApi[api]!.push(response.data!['submitLead'].id as string);
      }
    };
    await Promise.all(Array.from({ length: 8 }, submitter));
    assert.equal(viaApi[0]!.length + viaApi[1]!.length, LEAD_COUNT);

    // Mid-run: some leads are through, many are not, and jobs are running.
    await waitForProgress('the first leads to reach approval', (state) => state.awaiting >= 20 && state.unfinishedJobs > 0, 240_000);
    const [victim, survivor] = workers as [ServeProcess, ServeProcess];
    victim.child.kill('SIGKILL');
    await victim.exited;
    const killedAt = new Date();
    assert.equal(victim.child.signalCode, 'SIGKILL');
    // What was running when it died: its own jobs (stuck until their heartbeat runs out) and the survivor's.
    const running = (await pool.query(`SELECT id, retry_count FROM pgboss.job WHERE state = 'active' AND (name LIKE 'lead-%' OR name LIKE 'proposal-%')`)).rows as { id: string; retry_count: number }[];
    assert.ok(running.length > 0, 'jobs were running when the worker was killed');

    await waitForProgress('every lead to reach approval', (state) => state.awaiting === LEAD_COUNT && state.firstReplies === LEAD_COUNT && state.unfinishedJobs === 0, 480_000);

    // The killed worker's jobs were released (their heartbeat stopped) and done again by the survivor.
    const afterwards = (await pool.query(`SELECT id, state, retry_count FROM pgboss.job WHERE id = ANY($1::uuid[])`, [running.map((job) => job.id)])).rows as { id: string; state: string; retry_count: number }[];
    assert.deepEqual(new Set(afterwards.map((job) => job.state)), new Set(['completed']), 'every job running at the kill completed');
    const retried = afterwards.filter((job) => job.retry_count > running.find((before) => before.id === job.id)!.retry_count);
    assert.ok(retried.length > 0, 'some of them were the killed worker’s, taken over after their heartbeat stopped');
    assert.equal(survivor.child.exitCode, null, 'the other worker is still running');

    // Exactly once: one proposal, one design, one first reply and one pending-approval transition per lead.
    const perLead = (
      await pool.query(`
        SELECT l.id, l.status,
               (SELECT count(*) FROM proposals p WHERE p.lead_id = l.id)::int AS proposals,
               (SELECT count(*) FROM proposals p WHERE p.lead_id = l.id AND p.status = 'pending_approval')::int AS pending,
               (SELECT count(*) FROM solution_designs d WHERE d.lead_id = l.id)::int AS designs,
               (SELECT count(*) FROM outbound_messages o WHERE o.lead_id = l.id AND o.kind = 'first_reply')::int AS replies,
               (SELECT count(*) FROM lead_activities a WHERE a.lead_id = l.id AND a.type = 'proposal.pending_approval')::int AS transitions,
               (SELECT count(*) FROM lead_activities a WHERE a.lead_id = l.id AND a.type = 'pipeline.failed')::int AS failures
          FROM leads l`)
    ).rows as { id: string; status: string; proposals: number; pending: number; designs: number; replies: number; transitions: number; failures: number }[];
    assert.equal(perLead.length, LEAD_COUNT);
    const wrong = perLead.filter((lead) => lead.status !== 'awaiting_approval' || lead.proposals !== 1 || lead.pending !== 1 || lead.designs !== 1 || lead.replies !== 1 || lead.transitions !== 1 || lead.failures !== 0);
    assert.deepEqual(wrong, [], 'every lead: awaiting approval, one proposal pending approval, one design, one first reply, one transition, no failure');

    // The subscriber on API A saw what happened through API B and in both workers.
    const everyLead = [...viaApi[0]!, ...viaApi[1]!];
    const seenAwaiting = () => new Set(subscription.received.filter((event) => event.data?.leadUpdated.status === 'AWAITING_APPROVAL').map((event) => event.data!.leadUpdated.id));
    const deadline = Date.now() + 30_000;
    while (seenAwaiting().size < LEAD_COUNT && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    assert.deepEqual(subscription.received.filter((event) => event.errors), [], 'no subscription errors');
    const seen = new Set(subscription.received.map((event) => event.data!.leadUpdated.id));
    assert.deepEqual(viaApi[1]!.filter((id) => !seen.has(id)), [], 'every lead submitted through API B was seen on API A');
    const unseen = everyLead.filter((id) => !seenAwaiting().has(id));
    const when = (await pool.query(`SELECT lead_id, created_at FROM lead_activities WHERE type = 'proposal.pending_approval' AND lead_id = ANY($1::uuid[])`, [unseen])).rows as { lead_id: string; created_at: Date }[];
    assert.deepEqual(poolErrors, [], 'the spec’s own database reads never failed');
    assert.deepEqual(unseen, [], `every lead was seen on API A reaching AWAITING_APPROVAL; the worker was killed at ${killedAt.toISOString()}, these got there at ${when.map((row) => row.created_at.toISOString()).join(', ')}`);
  });
});
