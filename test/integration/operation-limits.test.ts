import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/entities/enums.js';
import { LIMITS, operationLimits } from '../../src/graphql/operation-limits.js';
import { graphql } from '../helpers/graphql.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { subscribe } from '../helpers/subscriptions.js';

/**
 * Nested far deeper than any honest query. Through `__type`: our object types do not cycle yet,
 * and armor leaves `__schema` alone so that tools' standard introspection query still works.
 */
const DEPTH_BOMB = `{ __type(name: "Query") { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } }`;
const ALIAS_BOMB = `{ ${Array.from({ length: LIMITS.maxAliases + 5 }, (_, index) => `a${index}: leads { totalCount }`).join(' ')} }`;
const TOKEN_BOMB = `{ leads { ${'totalCount '.repeat(LIMITS.maxTokens + 100)}} }`;
/** Few tokens, no aliases, shallow: every fragment spread ten times over, so the cost multiplies (10⁴ leads). */
const COST_BOMB = [
  '{ ...F4 }',
  'fragment F0 on Query { leads { totalCount } }',
  ...[1, 2, 3, 4].map((level) => `fragment F${level} on Query { ${`...F${level - 1} `.repeat(10)}}`),
].join('\n');
const INTROSPECTION = `{ __schema { queryType { name } } }`;
const TYPE_INTROSPECTION = `{ __type(name: "Lead") { fields { name } } }`;

/** Over WebSocket: the errors a one-shot operation ends with (graphql-ws also runs queries). */
async function overWebSocket(server: TestServer, query: string) {
  const operation = await subscribe(server.graphqlUrl, server.keys[Role.VIEWER], query);
  try {
    return await operation.next();
  } finally {
    await operation.close();
  }
}

const messages = (result: { errors?: readonly { message: string }[] | null }) => (result.errors ?? []).map((error) => error.message).join('\n');

describe(operationLimits.name, () => {
  describe('in development', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer();
    });
    after(() => server.stop());

    it('refuses a depth bomb over HTTP', async () => {
      const response = await graphql(server.graphqlUrl, DEPTH_BOMB, { key: server.keys[Role.VIEWER] });
      assert.equal(response.data ?? undefined, undefined);
      assert.match(messages(response), /depth/i);
    });

    it('refuses a depth bomb over WebSocket', async () => {
      const result = await overWebSocket(server, DEPTH_BOMB);
      assert.equal(result.data ?? undefined, undefined);
      assert.match(messages(result), /depth/i);
    });

    it('refuses an alias bomb over HTTP', async () => {
      const response = await graphql(server.graphqlUrl, ALIAS_BOMB, { key: server.keys[Role.VIEWER] });
      assert.equal(response.data ?? undefined, undefined);
      assert.match(messages(response), /alias/i);
    });

    it('refuses an alias bomb over WebSocket', async () => {
      const result = await overWebSocket(server, ALIAS_BOMB);
      assert.equal(result.data ?? undefined, undefined);
      assert.match(messages(result), /alias/i);
    });

    it('refuses a token bomb over HTTP', async () => {
      const response = await graphql(server.graphqlUrl, TOKEN_BOMB, { key: server.keys[Role.VIEWER] });
      assert.equal(response.data ?? undefined, undefined);
      assert.match(messages(response), /token/i);
    });

    it('refuses a token bomb over WebSocket', async () => {
      const result = await overWebSocket(server, TOKEN_BOMB);
      assert.equal(result.data ?? undefined, undefined);
      assert.match(messages(result), /token/i);
    });

    it('refuses a cost bomb over HTTP', async () => {
      const response = await graphql(server.graphqlUrl, COST_BOMB, { key: server.keys[Role.VIEWER] });
      assert.equal(response.data ?? undefined, undefined);
      assert.match(messages(response), /cost/i);
    });

    it('refuses a cost bomb over WebSocket', async () => {
      const result = await overWebSocket(server, COST_BOMB);
      assert.equal(result.data ?? undefined, undefined);
      assert.match(messages(result), /cost/i);
    });

    it('answers a syntax error over WebSocket as a GRAPHQL_PARSE_FAILED error of that operation', async () => {
      const operation = await subscribe(server.graphqlUrl, server.keys[Role.VIEWER], '{ leads { totalCount ');
      try {
        const result = await operation.next();
        assert.match(messages(result), /Syntax Error/);
        const [error] = (result.errors ?? []) as unknown as { extensions?: { code?: string; requestId?: string } }[];
        assert.equal(error?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
        assert.ok(error?.extensions?.requestId, 'errors carry a request id, as on HTTP');
      } finally {
        await operation.close();
      }
    });

    it('answers ordinary operations on both transports', async () => {
      const http = await graphql(server.graphqlUrl, '{ a: leads { totalCount } b: leads { totalCount } }', { key: server.keys[Role.VIEWER] });
      assert.equal(http.errors, undefined);
      const ws = await overWebSocket(server, '{ leads { totalCount } }');
      assert.deepEqual(ws.data, { leads: { totalCount: 0 } });
    });

    it('refuses batched HTTP requests', async () => {
      const response = await fetch(server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.keys[Role.VIEWER]}` },
        body: JSON.stringify([{ query: '{ leads { totalCount } }' }, { query: '{ leads { totalCount } }' }]),
      });
      assert.equal(response.status, 400);
      assert.match(await response.text(), /batch/i);
    });
  });

  describe('in production', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ env: { NODE_ENV: 'production' } });
    });
    after(() => server.stop());

    it('refuses introspection over HTTP', async () => {
      const response = await graphql(server.graphqlUrl, INTROSPECTION, { key: server.keys[Role.VIEWER] });
      assert.equal(response.data ?? undefined, undefined);
      assert.equal(response.errors?.length, 1, 'the rule is not applied twice');
      assert.match(messages(response), /introspection/i);
      const byType = await graphql(server.graphqlUrl, TYPE_INTROSPECTION, { key: server.keys[Role.VIEWER] });
      assert.equal(byType.data ?? undefined, undefined, '__type is introspection too');
      assert.match(messages(byType), /introspection/i);
    });

    it('refuses introspection over WebSocket', async () => {
      const result = await overWebSocket(server, INTROSPECTION);
      assert.equal(result.data ?? undefined, undefined);
      assert.match(messages(result), /introspection/i);
      const byType = await overWebSocket(server, TYPE_INTROSPECTION);
      assert.equal(byType.data ?? undefined, undefined, '__type is introspection too');
      assert.match(messages(byType), /introspection/i);
    });

    it('gives no field suggestions on either transport', async () => {
      const http = await graphql(server.graphqlUrl, '{ leadz { totalCount } }', { key: server.keys[Role.VIEWER] });
      assert.match(messages(http), /Cannot query field "leadz"/);
      assert.doesNotMatch(messages(http), /Did you mean/);
      const ws = await overWebSocket(server, '{ leadz { totalCount } }');
      assert.match(messages(ws), /Cannot query field "leadz"/);
      assert.doesNotMatch(messages(ws), /Did you mean/);
    });

    it('serves no landing page that would load scripts from the internet', async () => {
      const response = await fetch(server.graphqlUrl, { headers: { accept: 'text/html' } });
      const body = await response.text();
      assert.doesNotMatch(body, /https?:\/\/(?!127\.0\.0\.1|localhost)/, 'no external address in what a browser gets at /graphql');
      assert.notEqual(response.headers.get('content-type')?.startsWith('text/html'), true);
    });
  });
});
