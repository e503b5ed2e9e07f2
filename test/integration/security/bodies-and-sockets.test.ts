import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { Role } from '../../../src/entities/enums.js';
import { FakeSlackServer } from '../../fakes/fake-slack.server.js';
import { slackEnv } from '../bot/slack-test-kit.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { webSocketUrl } from '../../helpers/subscriptions.js';

const LIMIT_KB = 64;
const OVERSIZED = 'x'.repeat(LIMIT_KB * 1024 + 1);

/** A raw graphql-ws socket, so a spec can send what a well-behaved client never would. */
function rawSocket(server: TestServer): { socket: WebSocket; closed: Promise<{ code: number; reason: string }>; opened: Promise<void> } {
  const socket = new WebSocket(webSocketUrl(server.graphqlUrl), 'graphql-transport-ws');
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, closed, opened };
}

async function acknowledged(server: TestServer, key: string) {
  const connection = rawSocket(server);
  await connection.opened;
  const ack = new Promise<void>((resolve) => connection.socket.once('message', () => resolve()));
  connection.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } }));
  await ack;
  return connection;
}

async function post(server: TestServer, path: string, body: string, contentType: string) {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: (await response.json().catch(() => null)) as any };
}

describe('request bodies and WebSocket messages', () => {
  const slack = new FakeSlackServer();
  let server: TestServer;

  before(async () => {
    await slack.start();
    server = await startTestServer({
      bot: {},
      env: slackEnv(slack, {
        GRAPHQL_BODY_LIMIT: `${LIMIT_KB}kb`,
        WEBHOOK_BODY_LIMIT: `${LIMIT_KB}kb`,
        LEAD_WEBHOOK_SECRET: 'lead-webhook-secret',
        HUBSPOT_CLIENT_SECRET: 'hubspot-client-secret',
      }),
    });
  });
  after(async () => {
    await server?.stop();
    await slack.stop();
  });

  it('refuses an oversized body on every route with 413 and a JSON error', async () => {
    const cases: [string, string, string][] = [
      ['/graphql', JSON.stringify({ query: `{ leads { totalCount } } # ${OVERSIZED}` }), 'application/json'],
      ['/webhooks/leads', JSON.stringify({ message: OVERSIZED }), 'application/json'],
      ['/webhooks/hubspot', JSON.stringify([{ message: OVERSIZED }]), 'application/json'],
      ['/slack/events', `payload=${OVERSIZED}`, 'application/x-www-form-urlencoded'],
      ['/', `name=${'x'.repeat(300 * 1024)}`, 'application/x-www-form-urlencoded'],
      ['/unsubscribe/abcdefghijklmnopqrst', `x=${'x'.repeat(20 * 1024)}`, 'application/x-www-form-urlencoded'],
    ];
    for (const [path, body, contentType] of cases) {
      const response = await post(server, path, body, contentType);
      assert.equal(response.status, 413, path);
      assert.match(response.type, /application\/json/, `${path} answers JSON`);
      const code = path === '/graphql' ? response.body.errors[0].extensions.code : response.body.error.code;
      assert.equal(code, 'PAYLOAD_TOO_LARGE', path);
    }
  });

  it('answers malformed JSON with 400 and a message that says what to send', async () => {
    const graphql = await post(server, '/graphql', '{"query": "{ leads { totalCount } }"', 'application/json');
    assert.equal(graphql.status, 400);
    assert.equal(graphql.body.errors[0].extensions.code, 'BAD_REQUEST');
    assert.match(graphql.body.errors[0].message, /not valid JSON/);
    assert.ok(graphql.body.errors[0].extensions.requestId);
  });

  it('closes a WebSocket whose message exceeds the limit with 1009, before parsing it', async () => {
    const connection = rawSocket(server);
    await connection.opened;
    connection.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${server.keys[Role.VIEWER]}`, padding: OVERSIZED } }));
    assert.equal((await connection.closed).code, 1009);
  });

  it('closes a WebSocket with the graphql-ws code for each protocol abuse', async () => {
    const garbage = rawSocket(server);
    await garbage.opened;
    garbage.socket.send('this is not a graphql-ws message');
    assert.equal((await garbage.closed).code, 4400, 'an invalid message');

    const early = rawSocket(server);
    await early.opened;
    early.socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ leads { totalCount } }' } }));
    assert.equal((await early.closed).code, 4401, 'subscribing before connection_init');

    const twice = await acknowledged(server, server.keys[Role.VIEWER]);
    twice.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${server.keys[Role.VIEWER]}` } }));
    assert.equal((await twice.closed).code, 4429, 'a second connection_init');

    const duplicate = await acknowledged(server, server.keys[Role.VIEWER]);
    const subscription = JSON.stringify({ id: 'same', type: 'subscribe', payload: { query: 'subscription { leadUpdated { id } }' } });
    duplicate.socket.send(subscription);
    duplicate.socket.send(subscription);
    assert.equal((await duplicate.closed).code, 4409, 'two operations with one id');

    const unknownKey = rawSocket(server);
    await unknownKey.opened;
    unknownKey.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Token abc' } }));
    assert.equal((await unknownKey.closed).code, 4403, 'a malformed Authorization value');
  });
});
