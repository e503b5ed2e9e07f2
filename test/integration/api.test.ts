import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/entities/enums.js';
import { errorCodes, graphql } from '../helpers/graphql.js';
import { runCli } from '../helpers/process.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SUBMIT = `mutation ($input: SubmitLeadInput!) { submitLead(input: $input) { id name language status source } }`;
const lead = (suffix: string) => ({ name: `Jane ${suffix}`, email: `jane.${suffix}@example.com`, message: `We need a customer portal (${suffix}).` });

describe('GraphQL API: authentication and roles', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('answers health and readiness with JSON', async () => {
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', database: 'ok', migrations: 'current' });
  });

  it('refuses a request without a key with UNAUTHENTICATED', async () => {
    const response = await graphql(server.graphqlUrl, '{ leads { totalCount } }');
    assert.deepEqual(errorCodes(response), ['UNAUTHENTICATED']);
    assert.ok(response.errors?.[0]?.extensions?.requestId, 'errors carry the request id');
  });

  it('refuses an unknown key with HTTP 401 and UNAUTHENTICATED', async () => {
    const response = await graphql(server.graphqlUrl, '{ leads { totalCount } }', { key: 'lp_not-a-real-key' });
    assert.equal(response.status, 401);
    assert.deepEqual(errorCodes(response), ['UNAUTHENTICATED']);
    assert.match(response.errors![0]!.message, /not recognised/);
  });

  it('lets every role read', async () => {
    for (const role of Object.values(Role)) {
      const response = await graphql(server.graphqlUrl, '{ leads { totalCount } }', { key: server.keys[role] });
      assert.equal(response.errors, undefined, `${role} may read`);
    }
  });

  it('lets integration and admin submit leads, and refuses viewer and approver with FORBIDDEN', async () => {
    const allowed = { [Role.VIEWER]: false, [Role.INTEGRATION]: true, [Role.APPROVER]: false, [Role.ADMIN]: true };
    for (const [role, mayWrite] of Object.entries(allowed) as [Role, boolean][]) {
      const response = await graphql(server.graphqlUrl, SUBMIT, { key: server.keys[role], variables: { input: lead(role) } });
      if (mayWrite) assert.equal(response.data?.submitLead?.name, `Jane ${role}`, `${role} may submit`);
      else assert.deepEqual(errorCodes(response), ['FORBIDDEN'], `${role} may not submit`);
    }
    const count = await server.dataSource.query(`SELECT count(*)::int AS n FROM leads`);
    assert.equal(count[0].n, 2, 'refused submissions wrote nothing');
  });

  it('keeps key management to admins', async () => {
    for (const role of [Role.VIEWER, Role.INTEGRATION, Role.APPROVER]) {
      const list = await graphql(server.graphqlUrl, '{ apiKeys { id } }', { key: server.keys[role] });
      assert.deepEqual(errorCodes(list), ['FORBIDDEN'], `${role} may not list keys`);
      const create = await graphql(server.graphqlUrl, 'mutation { createApiKey(name: "x", role: ADMIN) { key } }', { key: server.keys[role] });
      assert.deepEqual(errorCodes(create), ['FORBIDDEN'], `${role} may not create keys`);
    }
  });

  it('creates a key that works, shows it once, stores only its hash, and revokes it', async () => {
    const created = await graphql(server.graphqlUrl, 'mutation { createApiKey(name: "crm", role: INTEGRATION, delegate: false) { key apiKey { id name role delegate keyPrefix revokedAt } } }', { key: server.keys[Role.ADMIN] });
    const { key, apiKey } = created.data!.createApiKey;
    assert.match(key, /^lp_/);
    assert.equal(apiKey.role, 'INTEGRATION');
    assert.ok(key.startsWith(apiKey.keyPrefix));
    const stored = await server.dataSource.query(`SELECT key_hash FROM api_keys WHERE id = $1`, [apiKey.id]);
    assert.notEqual(stored[0].key_hash, key);
    assert.match(stored[0].key_hash, /^[0-9a-f]{64}$/);
    const columns = await server.dataSource.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'api_keys'`);
    assert.ok(!columns.some((column: { column_name: string }) => column.column_name === 'key'), 'no column holds the key itself');

    const works = await graphql(server.graphqlUrl, SUBMIT, { key, variables: { input: lead('crm') } });
    assert.equal(works.data?.submitLead?.source, 'API');

    const listed = await graphql(server.graphqlUrl, '{ apiKeys { id name lastUsedAt } }', { key: server.keys[Role.ADMIN] });
    assert.ok(listed.data!.apiKeys.find((row: { id: string; lastUsedAt: string | null }) => row.id === apiKey.id)?.lastUsedAt, 'last use is recorded');

    const revoked = await graphql(server.graphqlUrl, `mutation { revokeApiKey(id: "${apiKey.id}") { revokedAt } }`, { key: server.keys[Role.ADMIN] });
    assert.ok(revoked.data?.revokeApiKey?.revokedAt);
    const refused = await graphql(server.graphqlUrl, '{ leads { totalCount } }', { key });
    assert.equal(refused.status, 401);
    assert.match(refused.errors![0]!.message, /revoked/);
  });

  it('refuses a key revoked by another process (leadpilot api-key revoke) once the change is announced', async () => {
    const { key, apiKey } = await server.services.apiKeys.create({ name: 'revoked-elsewhere', role: Role.VIEWER });
    assert.equal((await graphql(server.graphqlUrl, '{ leads { totalCount } }', { key })).errors, undefined);
    const heard = server.services.apiKeys.changeHeard(apiKey.id);
    const revoked = await runCli(['api-key', 'revoke', apiKey.id], { DATABASE_URL: server.config.databaseUrl! });
    assert.equal(revoked.code, 0, revoked.stderr);
    await heard;
    const refused = await graphql(server.graphqlUrl, '{ leads { totalCount } }', { key });
    assert.equal(refused.status, 401);
    assert.match(refused.errors![0]!.message, /revoked/);
  });

  it('refuses an expired key', async () => {
    const { key, apiKey } = await server.services.apiKeys.create({ name: 'short-lived', role: Role.VIEWER, expiresAt: new Date(Date.now() + 60_000) });
    assert.equal((await graphql(server.graphqlUrl, '{ leads { totalCount } }', { key })).errors, undefined);
    // Changed behind the service's back: the trigger announces it to every process's key cache.
    const heard = server.services.apiKeys.changeHeard(apiKey.id);
    await server.dataSource.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [apiKey.id]);
    await heard;
    const refused = await graphql(server.graphqlUrl, '{ leads { totalCount } }', { key });
    assert.deepEqual(errorCodes(refused), ['UNAUTHENTICATED']);
    assert.match(refused.errors![0]!.message, /expired/);
  });

  it('answers revoking an unknown key with NOT_FOUND', async () => {
    const response = await graphql(server.graphqlUrl, 'mutation { revokeApiKey(id: "00000000-0000-0000-0000-000000000000") { id } }', { key: server.keys[Role.ADMIN] });
    assert.deepEqual(errorCodes(response), ['NOT_FOUND']);
  });
});

describe('GraphQL API: leads', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('refuses bad input with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const response = await graphql(server.graphqlUrl, SUBMIT, {
      key: server.keys[Role.INTEGRATION],
      variables: { input: { name: 'Jo', email: 'not-an-address', message: 'x'.repeat(10_001), budget: -5 } },
    });
    assert.deepEqual(errorCodes(response), ['BAD_USER_INPUT']);
    const message = response.errors![0]!.message;
    assert.match(message, /input\.email: expected an e-mail address/);
    assert.match(message, /input\.message: at most 10000 characters/);
    assert.match(message, /input\.budget: must be 0 or more/);
    const count = await server.dataSource.query(`SELECT count(*)::int AS n FROM leads`);
    assert.equal(count[0].n, 0);
  });

  it('pages newest first with cursors', async () => {
    for (let index = 0; index < 5; index += 1) {
      await graphql(server.graphqlUrl, SUBMIT, { key: server.keys[Role.INTEGRATION], variables: { input: lead(`page${index}`) } });
    }
    const query = `query ($after: String) { leads(first: 2, after: $after) { totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }`;
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await graphql(server.graphqlUrl, query, { key: server.keys[Role.VIEWER], variables: { after } });
      assert.equal(page.data.leads.totalCount, 5);
      names.push(...page.data.leads.edges.map((edge: { node: { name: string } }) => edge.node.name));
      if (!page.data.leads.pageInfo.hasNextPage) break;
      after = page.data.leads.pageInfo.endCursor;
    }
    assert.deepEqual(names, ['Jane page4', 'Jane page3', 'Jane page2', 'Jane page1', 'Jane page0']);
  });

  it('refuses a page size out of range and a forged cursor', async () => {
    const tooBig = await graphql(server.graphqlUrl, '{ leads(first: 1000) { totalCount } }', { key: server.keys[Role.VIEWER] });
    assert.deepEqual(errorCodes(tooBig), ['BAD_USER_INPUT']);
    const forged = await graphql(server.graphqlUrl, '{ leads(after: "bm9wZQ") { totalCount } }', { key: server.keys[Role.VIEWER] });
    assert.deepEqual(errorCodes(forged), ['BAD_USER_INPUT']);
  });

  it('records the creation in the activity log with the key as actor', async () => {
    const created = await graphql(server.graphqlUrl, SUBMIT, { key: server.keys[Role.INTEGRATION], variables: { input: lead('audit') } });
    const rows = await server.dataSource.query(`SELECT type, actor FROM lead_activities WHERE lead_id = $1`, [created.data!.submitLead.id]);
    assert.deepEqual(rows, [{ type: 'lead.created', actor: `api-key:test-${Role.INTEGRATION}` }]);
  });
});
