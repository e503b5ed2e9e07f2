import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../../src/entities/enums.js';
import { RateLimiter } from '../../../src/services/rate-limiter.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { graphql } from '../../helpers/graphql.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { TestClock } from '../../helpers/smtp.js';
import { closeCodeFor, subscribe } from '../../helpers/subscriptions.js';

const WINDOW_MS = 60_000;
const VIEWER = '{ viewer { role } }';

/** Moves a stopped clock to just after the next window begins. */
const toNextWindow = (clock: TestClock) => clock.advance(WINDOW_MS - (clock.now().getTime() % WINDOW_MS) + 1_000);

async function post(url: string, path: string, body = '{}', headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json().catch(() => null)) as any };
}

describe(RateLimiter.name, () => {
  describe('two API instances on one database, one key', () => {
    const clock = new TestClock();
    let database: TestDatabase;
    let first: TestServer;
    let second: TestServer;
    let key: string;

    before(async () => {
      database = await createTestDatabase();
      const env = { RATE_LIMIT_VIEWER: '10/1m', RATE_LIMIT_SYNC_INTERVAL: '100ms' };
      first = await startTestServer({ database, clock, env });
      second = await startTestServer({ database, clock, env });
      key = (await first.services.apiKeys.create({ name: 'shared-viewer', role: Role.VIEWER })).key;
    });
    after(async () => {
      await first?.stop();
      await second?.stop();
      await database?.drop();
    });

    it('counts the key across both, answers 429 with Retry-After, and allows again in the next window', async () => {
      toNextWindow(clock);
      for (let index = 0; index < 10; index++) {
        const response = await graphql(first.graphqlUrl, VIEWER, { key });
        assert.equal(response.status, 200, `request ${index + 1} of 10 is within the limit`);
      }

      // The other instance has not seen this key in this window: it asks PostgreSQL, which knows.
      const refused = await fetch(second.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: VIEWER }),
      });
      assert.equal(refused.status, 429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter} is the rest of the window`);
      const body = (await refused.json()) as { errors: { message: string; extensions: { code: string; retryAfter: number; requestId: string } }[] };
      assert.equal(body.errors[0]!.extensions.code, 'RATE_LIMITED');
      assert.equal(body.errors[0]!.extensions.retryAfter, retryAfter);
      assert.ok(body.errors[0]!.extensions.requestId);
      assert.match(body.errors[0]!.message, /Too many requests/);

      assert.equal((await graphql(first.graphqlUrl, VIEWER, { key })).status, 429, 'the first instance refuses too');
      // Other keys have budgets of their own.
      assert.equal((await graphql(second.graphqlUrl, VIEWER, { key: second.keys[Role.VIEWER] })).status, 200);

      toNextWindow(clock);
      assert.equal((await graphql(second.graphqlUrl, VIEWER, { key })).status, 200, 'a new window allows again');
      assert.equal((await graphql(first.graphqlUrl, VIEWER, { key })).status, 200);
    });

    it('admits no more than the limit plus the stated overshoot when both instances take turns', async () => {
      toNextWindow(clock);
      const statuses: number[] = [];
      for (let index = 0; index < 30; index++) {
        statuses.push((await graphql((index % 2 === 0 ? first : second).graphqlUrl, VIEWER, { key })).status);
      }
      const admitted = statuses.filter((status) => status === 200).length;
      assert.deepEqual([...new Set(statuses)].sort(), [200, 429]);
      // max + (instances − 1) × ⌊max / 2⌋, as the limiter's comment and the README state.
      assert.ok(admitted >= 10 && admitted <= 15, `admitted ${admitted} of 30`);
    });
  });

  describe('on every endpoint', () => {
    const clock = new TestClock();
    let server: TestServer;

    before(async () => {
      server = await startTestServer({ clock, env: { RATE_LIMIT_ANONYMOUS: '3/1m', RATE_LIMIT_APPROVER: '3/1m', LEAD_WEBHOOK_SECRET: 'a-secret-for-this-spec' } });
    });
    after(() => server.stop());

    it('charges callers without a key to their IP on every public route, with 429 and Retry-After', async () => {
      toNextWindow(clock);
      // Three unsigned or keyless attempts, each refused for what it is …
      assert.equal((await post(server.url, '/webhooks/leads')).status, 401);
      assert.equal((await graphql(server.graphqlUrl, VIEWER, { key: 'lp_a-guessed-key' })).errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      assert.equal(await closeCodeFor(server.graphqlUrl), 4401);

      // … and then everything this address sends is refused until the window ends.
      const routes = ['/webhooks/leads', '/webhooks/hubspot', '/slack/events', '/unsubscribe/abcdefghijklmnopqrstuvwxyz', '/'];
      for (const path of routes) {
        const response = await post(server.url, path);
        assert.equal(response.status, 429, `${path} is limited`);
        assert.ok(Number(response.retryAfter) >= 1, `${path} says when to come back`);
        assert.equal(response.body.error.code, 'RATE_LIMITED');
      }
      const anonymous = await graphql(server.graphqlUrl, VIEWER);
      assert.equal(anonymous.status, 429);
      assert.equal(anonymous.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
      assert.equal(await closeCodeFor(server.graphqlUrl), 4429, 'a WebSocket without a key is closed with 4429');

      // A valid key is charged to itself, not to the address.
      assert.equal((await graphql(server.graphqlUrl, VIEWER, { key: server.keys[Role.VIEWER] })).status, 200);
    });

    it('charges each WebSocket connection and operation to its key', async () => {
      toNextWindow(clock);
      const approver = server.keys[Role.APPROVER];
      const operation = await subscribe(server.graphqlUrl, approver, '{ viewer { role } }'); // hits 1 and 2
      try {
        assert.deepEqual((await operation.next()).data, { viewer: { role: 'APPROVER' } });
      } finally {
        await operation.close();
      }
      const limited = await subscribe(server.graphqlUrl, approver, '{ viewer { role } }').catch(() => undefined); // hit 3 connects; 4 is refused
      assert.ok(limited, 'the third hit still connects');
      try {
        const result = await limited.next();
        const [error] = (result.errors ?? []) as unknown as { extensions: { code: string; retryAfter: number } }[];
        assert.equal(error?.extensions.code, 'RATE_LIMITED');
        assert.ok(error!.extensions.retryAfter >= 1);
      } finally {
        await limited.close();
      }
      assert.equal(await closeCodeFor(server.graphqlUrl, approver), 4429, 'a new connection over the limit is closed with 4429');
      assert.equal((await graphql(server.graphqlUrl, VIEWER, { key: approver })).status, 429, 'and HTTP shares the same budget');
    });
  });
});
