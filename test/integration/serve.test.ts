import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { graphql } from '../helpers/graphql.js';
import { postgresProcessesFor, runCli, startServe } from '../helpers/process.js';

describe('leadpilot serve with the embedded database', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'leadpilot-serve-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('starts on an empty data folder, prints the URL and a one-time admin key, and stops cleanly on SIGTERM', async () => {
    const port = await findFreePort();
    const serve = startServe([], { DATA_DIR: dataDir, PORT: String(port) });
    const [, key] = (await serve.waitFor(/^\s+(lp_\S+)$/m)) as [string, string];
    await serve.waitFor(new RegExp(`serving GraphQL at http://127\\.0\\.0\\.1:${port}/graphql`));
    assert.equal(postgresProcessesFor(dataDir).length > 0, true, 'the embedded server runs');

    const submitted = await graphql(`http://127.0.0.1:${port}/graphql`, 'mutation { submitLead(input: { name: "Ada", email: "ada@example.com", message: "We need a web shop." }) { id } }', { key });
    assert.ok(submitted.data?.submitLead?.id);

    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0);
    assert.doesNotMatch(serve.output(), /"level":50/, 'no errors logged while stopping');
    assert.deepEqual(postgresProcessesFor(dataDir), [], 'no postgres process is left behind');
  });

  it('starts again on the existing folder with its data, and prints no new key', async () => {
    const port = await findFreePort();
    const serve = startServe([], { DATA_DIR: dataDir, PORT: String(port) });
    await serve.waitFor(/serving GraphQL/);
    assert.doesNotMatch(serve.output(), /admin API key was generated/);
    const keys = await runCli(['api-key', 'create', '--name', 'reader', '--role', 'viewer'], { DATA_DIR: dataDir });
    assert.equal(keys.code, 0, keys.stderr);
    const key = /^\s+(lp_\S+)$/m.exec(keys.stdout)![1]!;
    const leads = await graphql(`http://127.0.0.1:${port}/graphql`, '{ leads { totalCount } }', { key });
    assert.equal(leads.data?.leads?.totalCount, 1, 'the lead from the first start is still there');
    serve.child.kill('SIGINT');
    assert.equal(await serve.exited, 0);
    assert.deepEqual(postgresProcessesFor(dataDir), []);
  });

  it('stops the embedded server when start-up fails half-way (port taken)', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const serve = startServe([], { DATA_DIR: dataDir, PORT: String(port) });
      const code = await serve.exited;
      assert.notEqual(code, 0);
      assert.match(serve.output(), /EADDRINUSE/);
      assert.deepEqual(postgresProcessesFor(dataDir), [], 'no postgres process is left behind');
    } finally {
      blocker.close();
    }
  });

  it('still stops cleanly when the stop signal comes twice (npm and the shell relaying one Ctrl-C)', async () => {
    const serve = startServe(['--roles', 'api'], { DATA_DIR: dataDir, PORT: String(await findFreePort()) });
    await serve.waitFor(/serving GraphQL/);
    serve.child.kill('SIGTERM');
    await serve.waitFor(/shutting down/);
    // Keep repeating it until the process is gone, so one lands in the middle of the shutdown.
    const repeat = setInterval(() => serve.child.exitCode === null && serve.child.signalCode === null && serve.child.kill('SIGINT'), 2);
    await serve.exited;
    clearInterval(repeat);
    // A signal landing after the last line may still end the process by signal: harmless then.
    assert.match(serve.output(), /"msg":"stopped"/, 'the shutdown ran to its end');
    assert.deepEqual(postgresProcessesFor(dataDir), [], 'no postgres process is left behind');
  });

  it('starts the pipeline worker with the api, and leaves the Slack bot off without SLACK_BOT_TOKEN, saying so', async () => {
    const serve = startServe(['--roles', 'api,worker,bot'], { DATA_DIR: dataDir, PORT: String(await findFreePort()) });
    try {
      await serve.waitFor(/serving GraphQL .*roles: api, worker, bot/);
      assert.match(serve.output(), /pipeline worker started/);
      assert.match(serve.output(), /Slack bot off: SLACK_BOT_TOKEN is not set/);
    } finally {
      serve.child.kill('SIGTERM');
    }
    assert.equal(await serve.exited, 0);
  });

  it('refuses the bot role asked for by name without what it needs, naming every missing variable, with 78', async () => {
    const noSlack = await runCli(['serve', '--roles', 'bot'], { DATA_DIR: dataDir });
    assert.equal(noSlack.code, 78);
    assert.match(noSlack.stderr, /SLACK_BOT_TOKEN: required to serve the bot role/);
    const apart = await runCli(['serve', '--roles', 'bot'], { DATA_DIR: dataDir, SLACK_BOT_TOKEN: 'xoxb-secret-token', SLACK_SIGNING_SECRET: 'signing-secret', SLACK_APPROVAL_CHANNEL: 'C0APPROVALS' });
    assert.equal(apart.code, 78);
    assert.match(apart.stderr, /LEADPILOT_API_URL: required when the bot runs without the api role/);
    assert.match(apart.stderr, /LEADPILOT_API_KEY: required when the bot runs without the api role/);
    assert.doesNotMatch(apart.stderr, /xoxb-secret-token|signing-secret/);
  });

  it('refuses an unknown role with a usage error', async () => {
    const result = await runCli(['serve', '--roles', 'api,cook'], { DATA_DIR: dataDir });
    assert.equal(result.code, 64);
    assert.match(result.stderr, /--roles takes a comma-separated list of api, worker, bot/);
  });

  it('reports every bad variable at once and exits with 78', async () => {
    const result = await runCli(['serve'], { DATA_DIR: dataDir, PORT: 'x', WORKER_CONCURRENCY: '-1' });
    assert.equal(result.code, 78);
    assert.match(result.stderr, /PORT: /);
    assert.match(result.stderr, /WORKER_CONCURRENCY: /);
  });

  it('registers ADMIN_API_KEY instead of generating one', async () => {
    const freshDir = await mkdtemp(path.join(tmpdir(), 'leadpilot-admin-'));
    try {
      const adminKey = 'lp_test-admin-key-that-is-long-enough';
      const port = await findFreePort();
      const serve = startServe(['--roles', 'api'], { DATA_DIR: freshDir, PORT: String(port), ADMIN_API_KEY: adminKey });
      await serve.waitFor(/serving GraphQL/);
      assert.doesNotMatch(serve.output(), /admin API key was generated/);
      assert.doesNotMatch(serve.output(), new RegExp(adminKey), 'the key is never printed or logged');
      const keys = await graphql(`http://127.0.0.1:${port}/graphql`, '{ apiKeys { name role } }', { key: adminKey });
      assert.deepEqual(keys.data?.apiKeys, [{ name: 'admin (ADMIN_API_KEY)', role: 'ADMIN' }]);
      serve.child.kill('SIGTERM');
      assert.equal(await serve.exited, 0);
    } finally {
      await rm(freshDir, { recursive: true, force: true });
    }
  });
});
