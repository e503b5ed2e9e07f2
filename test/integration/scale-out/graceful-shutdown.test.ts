import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { findFreePort } from '../../../src/database/embedded-postgres.js';
import { Role } from '../../../src/entities/enums.js';
import { agentOracle, agentSchemaName } from '../../fakes/agent-oracle.js';
import { behave } from '../../fakes/fake-provider.server.js';
import { FakeOpenAIServer } from '../../fakes/fake-openai.server.js';
import { FakeSlackServer } from '../../fakes/fake-slack.server.js';
import { SLACK_SIGNING_SECRET, slackSignature } from '../../fakes/fake-slack-requests.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { latestProposal, settled, submitLead, waitForLead } from '../../helpers/pipeline.js';
import { startServe, stopProcesses, type ServeProcess } from '../../helpers/process.js';
import { sampleLead } from '../../helpers/sample-leads.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { webSocketUrl } from '../../helpers/subscriptions.js';
import { slackEnv } from '../bot/slack-test-kit.js';

const ADMIN_KEY = 'lp_graceful-shutdown-admin-key-0123456789';

interface RawResponse {
  status: number;
  headers: string;
  body: string;
}

/**
 * An HTTP/1.1 request over a raw socket, in flight for as long as the spec wants: it asks
 * `Expect: 100-continue`, so the server has taken the request (and says so) before the body is
 * sent; `finish()` sends the body and resolves with the response.
 */
async function requestInFlight(port: number, path: string, body: string, headers: Record<string, string>): Promise<{ finish(): Promise<RawResponse>; closed: Promise<void> }> {
  const socket = await openSocket(port);
  const bytes = Buffer.from(body);
  const head = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: keep-alive', 'Expect: 100-continue', `Content-Length: ${bytes.length}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)].join('\r\n');
  socket.write(`${head}\r\n\r\n`);
  const interim = await new Promise<string>((resolve, reject) => {
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    socket.once('error', reject);
  });
  assert.match(interim, /^HTTP\/1\.1 100 Continue\r\n\r\n$/);
  const response = readResponse(socket);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    closed,
    finish: () => {
      socket.write(bytes);
      return response;
    },
  };
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** One response (Content-Length framed, as express sends JSON) from the socket. */
function readResponse(socket: Socket): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers = received.subarray(0, end).toString();
      const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
      if (received.length < end + 4 + length) return;
      socket.off('data', onData);
      resolve({ status: Number(headers.split(' ')[1]), headers, body: received.subarray(end + 4, end + 4 + length).toString() });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`the connection closed before a response; received: ${received.toString()}`)));
  });
}

/** A keep-alive connection that has had its answer and now sits idle; `closed` resolves when the server closes it. */
async function idleKeepAlive(port: number): Promise<{ closed: Promise<void> }> {
  const socket = await openSocket(port);
  socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
  const response = await readResponse(socket);
  assert.equal(response.status, 200);
  return { closed: new Promise((resolve) => socket.once('close', () => resolve())) };
}

/** A graphql-ws subscriber; `closed` resolves with the code the server closes the socket with. */
async function subscriber(graphqlUrl: string, key: string): Promise<{ closed: Promise<number> }> {
  const socket = new WebSocket(webSocketUrl(graphqlUrl), 'graphql-transport-ws');
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve) => socket.on('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } }));
  const ack = await new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
  assert.equal(JSON.parse(ack).type, 'connection_ack');
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { leadUpdated { id } }' } }));
  return { closed };
}

const submitBody = (name: string, email: string) =>
  JSON.stringify({ query: 'mutation ($input: SubmitLeadInput!) { submitLead(input: $input) { id name } }', variables: { input: { name, email, message: 'We need a web shop.' } } });

/** The promise, or a failure naming what never happened (with the child's output) instead of a hanging spec. */
function within<T>(promise: Promise<T>, what: string, child: ServeProcess, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms; output:\n${child.output()}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function stop(child: ServeProcess): Promise<number | null> {
  child.child.kill('SIGTERM');
  await child.waitFor(/shutting down/);
  return within(child.exited, 'the exit', child);
}

/** The process ended by itself within SHUTDOWN_GRACE (the backstop exits with 1 and says so), logging no error. */
function assertCleanExit(child: ServeProcess, code: number | null) {
  assert.equal(code, 0, child.output());
  assert.doesNotMatch(child.output(), /shutdown took too long/);
  assert.doesNotMatch(child.output(), /"level":50/, 'no error logged while stopping');
  assert.match(child.output(), /"msg":"stopped"/);
}

describe('leadpilot serve on SIGTERM: stops taking work, finishes or releases what is in flight, closes its sockets', () => {
  const agency = loadAgencyConfig();
  const oracle = agentOracle(agency);
  const openai = new FakeOpenAIServer();
  const slack = new FakeSlackServer();
  /** While true, the solution architect's model calls never get an answer: a job stays in flight. */
  let holdDesigns = true;
  let database: TestDatabase;
  let api: TestServer;
  const children: ServeProcess[] = [];
  const modelEnv = () => openai.leadpilotEnv();
  const baseEnv = () => ({ DATABASE_URL: database.url, ADMIN_API_KEY: ADMIN_KEY, SHUTDOWN_GRACE: '9s', JOB_HEARTBEAT: '10s', PIPELINE_RETRY_DELAY: '1s' });
  const serve = (roles: string, env: Record<string, string>) => {
    const child = startServe(['--roles', roles], { ...baseEnv(), ...env });
    children.push(child);
    return child;
  };
  const designJobs = async (leadId: string) =>
    (await api.dataSource.query(`SELECT state, retry_count FROM pgboss.job WHERE name = 'proposal-design' AND data->>'leadId' = $1`, [leadId])) as { state: string; retry_count: number }[];
  /** The lead's solution design is running (its model call held while `holdDesigns`). */
  async function waitForRunningDesign(leadId: string) {
    const deadline = Date.now() + 60_000;
    while ((await designJobs(leadId))[0]?.state !== 'active') {
      if (Date.now() > deadline) throw new Error(`the design of ${leadId} never started: ${JSON.stringify(await designJobs(leadId))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  before(async () => {
    await openai.start();
    await slack.start();
    openai.answerWith((request) => (holdDesigns && agentSchemaName(request) === 'solution_design' ? behave('hang') : oracle(request)));
    database = await createTestDatabase();
    // Submits and reads leads; no worker in here, so every pipeline step runs in the children.
    api = await startTestServer({ database, env: { PIPELINE_RETRY_DELAY: '1s', PIPELINE_STEP_RETRIES: '3' } });
  });
  after(async () => {
    await stopProcesses(children, 'SIGKILL');
    await api.stop();
    await database.drop();
    await openai.close();
    await slack.stop();
  });

  it('api: answers the request in flight, closes idle keep-alive sockets, ends subscriptions with 1001, exits 0', async () => {
    const port = await findFreePort();
    const child = serve('api', { PORT: String(port) });
    await child.waitFor(/serving GraphQL/);
    const graphqlUrl = `http://127.0.0.1:${port}/graphql`;
    const idleClosed = await within(idleKeepAlive(port), 'the keep-alive request', child);
    const subscriptionClosed = await within(subscriber(graphqlUrl, ADMIN_KEY), 'the subscription', child);
    const inFlight = await requestInFlight(port, '/graphql', submitBody('Ada In-Flight', 'ada.in-flight@example.com'), { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` });

    child.child.kill('SIGTERM');
    await child.waitFor(/shutting down/);
    assert.equal(await within(subscriptionClosed.closed, 'the subscription closing', child), 1001, 'the subscriber is told the server is going away');
    await within(idleClosed.closed, 'the idle connection closing', child);
    const response = await within(inFlight.finish(), 'the answer in flight', child);
    assert.equal(response.status, 200);
    await within(inFlight.closed, 'the connection closing after its answer', child);
    const lead = JSON.parse(response.body).data.submitLead;
    assert.equal(lead.name, 'Ada In-Flight');
    assertCleanExit(child, await within(child.exited, 'the exit', child));
    const [row] = (await api.dataSource.query(`SELECT name FROM leads WHERE id = $1`, [lead.id])) as { name: string }[];
    assert.equal(row?.name, 'Ada In-Flight', 'the request in flight was carried out');
    await assert.rejects(fetch(`${graphqlUrl.replace('/graphql', '/healthz')}`), 'nothing listens any more');
  });

  it('worker: releases the job it cannot finish within the grace; another worker finishes the lead, once', async () => {
    holdDesigns = true;
    const first = serve('worker', modelEnv());
    await first.waitFor(/pipeline worker started/);
    const id = await submitLead(api, sampleLead(1, 'worker-stop'));
    await waitForRunningDesign(id);
    assert.deepEqual(await designJobs(id), [{ state: 'active', retry_count: 0 }]);

    assertCleanExit(first, await stop(first));
    const [released] = await designJobs(id);
    assert.equal(released?.state, 'retry', 'the running job was handed back to the queue, not left to its heartbeat');

    holdDesigns = false;
    const second = serve('worker', modelEnv());
    const lead = await waitForLead(api, id, settled, 90_000);
    assert.equal(lead.status, 'AWAITING_APPROVAL');
    assert.equal(lead.proposals.length, 1);
    assert.equal(latestProposal(lead).status, 'PENDING_APPROVAL');
    assert.equal(lead.solutionDesigns.length, 1);
    assert.deepEqual(await designJobs(id), [{ state: 'completed', retry_count: 1 }]);
    assertCleanExit(second, await stop(second));
  });

  it('worker: lets a job that finishes within the grace finish before it exits', async () => {
    holdDesigns = true;
    const worker = serve('worker', modelEnv());
    await worker.waitFor(/pipeline worker started/);
    const id = await submitLead(api, sampleLead(1, 'worker-finish'));
    await waitForRunningDesign(id);
    worker.child.kill('SIGTERM');
    await worker.waitFor(/shutting down/);
    // The model answers now (also a call still on its way): the step completes during the shutdown.
    holdDesigns = false;
    openai.releaseHanging();
    assertCleanExit(worker, await within(worker.exited, 'the exit', worker));
    const [design] = await designJobs(id);
    assert.equal(design?.state, 'completed');
    assert.equal(design?.retry_count, 0, 'done once, by the worker that was stopping');
  });

  it('bot: answers the Slack request in flight, then exits 0', async () => {
    const { key } = await api.services.apiKeys.create({ name: 'bot on SIGTERM', role: Role.APPROVER, delegate: true });
    const port = await findFreePort();
    const bot = serve('bot', { ...slackEnv(slack), PORT: String(port), LEADPILOT_API_URL: api.graphqlUrl, LEADPILOT_API_KEY: key });
    await bot.waitFor(/Slack events served/);
    const idleClosed = await idleKeepAlive(port);
    const body = JSON.stringify({ type: 'url_verification', token: 'unused', challenge: 'still-here' });
    const timestamp = Math.floor(Date.now() / 1000);
    const inFlight = await requestInFlight(port, '/slack/events', body, {
      'content-type': 'application/json',
      'x-slack-signature': slackSignature(SLACK_SIGNING_SECRET, timestamp, body),
      'x-slack-request-timestamp': String(timestamp),
    });
    bot.child.kill('SIGTERM');
    await bot.waitFor(/shutting down/);
    await within(idleClosed.closed, 'the idle connection closing', bot);
    const response = await within(inFlight.finish(), 'the answer in flight', bot);
    assert.equal(response.status, 200);
    assert.match(response.body, /still-here/);
    assertCleanExit(bot, await within(bot.exited, 'the exit', bot));
  });

  it('all roles in one process: the request in flight answered, the subscriber closed with 1001, the running job released and finished by another worker', async () => {
    holdDesigns = true;
    const port = await findFreePort();
    const all = serve('api,worker,bot', { ...modelEnv(), ...slackEnv(slack), PORT: String(port) });
    await all.waitFor(/serving GraphQL/);
    const graphqlUrl = `http://127.0.0.1:${port}/graphql`;
    const id = await submitLead(api, sampleLead(1, 'all-roles'));
    await waitForRunningDesign(id);
    const subscriptionClosed = await subscriber(graphqlUrl, ADMIN_KEY);
    const inFlight = await requestInFlight(port, '/graphql', submitBody('Ada All-Roles', 'ada.all-roles@example.com'), { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` });

    all.child.kill('SIGTERM');
    await all.waitFor(/shutting down/);
    assert.equal(await within(subscriptionClosed.closed, 'the subscription closing', all), 1001);
    const response = await within(inFlight.finish(), 'the answer in flight', all);
    assert.equal(response.status, 200);
    assert.equal(JSON.parse(response.body).data.submitLead.name, 'Ada All-Roles');
    assertCleanExit(all, await within(all.exited, 'the exit', all));
    assert.equal((await designJobs(id))[0]?.state, 'retry', 'the running job was released');

    holdDesigns = false;
    const worker = serve('worker', modelEnv());
    const lead = await waitForLead(api, id, settled, 90_000);
    assert.equal(lead.status, 'AWAITING_APPROVAL');
    assert.equal(lead.proposals.length, 1);
    assertCleanExit(worker, await stop(worker));
  });
});
