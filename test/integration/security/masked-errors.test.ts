import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../../src/entities/enums.js';
import { formatError, INTERNAL_MESSAGE } from '../../../src/graphql/format-error.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { subscribe } from '../../helpers/subscriptions.js';

/** What must never reach a client: SQL, table names, error classes, stack frames. */
const INTERNALS = /relation|leads_out_of_reach|QueryFailedError|SELECT|stack|\.js:\d+/i;

describe(`${formatError.name} in production`, () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ env: { NODE_ENV: 'production' } });
    // A fault of ours, made real: the table every lead query reads is gone.
    await server.dataSource.query('ALTER TABLE leads RENAME TO leads_out_of_reach');
  });
  after(async () => {
    await server.dataSource.query('ALTER TABLE leads_out_of_reach RENAME TO leads');
    await server.stop();
  });

  it('masks an internal error over HTTP and gives the request id, the one in X-Request-Id', async () => {
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.keys[Role.VIEWER]}` },
      body: JSON.stringify({ query: '{ leads { totalCount } }' }),
    });
    const text = await response.text();
    assert.doesNotMatch(text, INTERNALS);
    const body = JSON.parse(text) as { errors: { message: string; extensions: { code: string; requestId: string } }[] };
    assert.equal(body.errors[0]!.message, INTERNAL_MESSAGE);
    assert.equal(body.errors[0]!.extensions.code, 'INTERNAL_SERVER_ERROR');
    assert.equal(body.errors[0]!.extensions.requestId, response.headers.get('x-request-id'));
  });

  it("keeps a caller's own well-formed request id, and replaces one that is not", async () => {
    const ask = async (requestId: string) => {
      const response = await fetch(server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.keys[Role.VIEWER]}`, 'x-request-id': requestId },
        body: JSON.stringify({ query: '{ leads { totalCount } }' }),
      });
      return ((await response.json()) as { errors: { extensions: { requestId: string } }[] }).errors[0]!.extensions.requestId;
    };
    assert.equal(await ask('trace-4711'), 'trace-4711');
    const replaced = await ask('<script>alert(1)</script>');
    assert.match(replaced, /^[0-9a-f-]{36}$/);
  });

  it('masks an internal error over WebSocket, with a request id', async () => {
    const operation = await subscribe(server.graphqlUrl, server.keys[Role.VIEWER], '{ leads { totalCount } }');
    try {
      const result = await operation.next();
      assert.doesNotMatch(JSON.stringify(result), INTERNALS);
      const [error] = (result.errors ?? []) as unknown as { message: string; extensions: { code: string; requestId?: string } }[];
      assert.equal(error?.message, INTERNAL_MESSAGE);
      assert.equal(error?.extensions.code, 'INTERNAL_SERVER_ERROR');
      assert.ok(error?.extensions.requestId);
    } finally {
      await operation.close();
    }
  });

  it('masks an internal error on a plain HTTP route (the lead webhook) with 500 and a request id', async () => {
    const response = await fetch(`${server.url}/webhooks/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.keys[Role.INTEGRATION]}`, 'leadpilot-delivery': '1b4e28ba-2fa1-41d2-883f-0016d3cca427' },
      body: JSON.stringify({ name: 'Ada Lovelace', email: 'ada@example.com', message: 'We need an analytical engine for our bookkeeping.' }),
    });
    const text = await response.text();
    assert.equal(response.status, 500);
    assert.doesNotMatch(text, INTERNALS);
    const body = JSON.parse(text) as { error: { code: string; requestId: string } };
    assert.equal(body.error.code, 'INTERNAL_SERVER_ERROR');
    assert.equal(body.error.requestId, response.headers.get('x-request-id'));
  });
});
