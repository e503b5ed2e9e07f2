import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { Role } from '../../src/entities/enums.js';
import { createSubscriptionServer } from '../../src/graphql/subscription.server.js';
import { graphql } from '../helpers/graphql.js';
import { startServe, type ServeProcess } from '../helpers/process.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { closeCodeFor, subscribe } from '../helpers/subscriptions.js';

const SUBMIT = `mutation ($input: SubmitLeadInput!) { submitLead(input: $input) { id } }`;
const LEAD_UPDATED = `subscription ($id: ID) { leadUpdated(id: $id) { id name status } }`;
const ADMIN_KEY = 'lp_cross-process-admin-key-for-the-second-server';

// graphql-ws acknowledges the connection before it has run the subscribe message; give the server
// a moment to register the listener, or an event published at once could go unseen.
const settle = () => delay(300);

describe(createSubscriptionServer.name, () => {
  let server: TestServer;
  let second: ServeProcess | undefined;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    if (second && second.child.exitCode === null) {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    await server.stop();
  });

  it('closes with 4401 when no key is sent', async () => {
    assert.equal(await closeCodeFor(server.graphqlUrl), 4401);
  });

  it('closes with 4403 when the key is not one of ours', async () => {
    assert.equal(await closeCodeFor(server.graphqlUrl, 'lp_not-a-real-key'), 4403);
  });

  it('closes with 4403 when the key has expired', async () => {
    const { apiKey, key } = await server.services.apiKeys.create({ name: 'expired-dashboard', role: Role.VIEWER });
    await server.dataSource.query(`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1`, [apiKey.id]);
    assert.equal(await closeCodeFor(server.graphqlUrl, key), 4403);
  });

  it('closes with 4403 when the key was revoked', async () => {
    const { apiKey, key } = await server.services.apiKeys.create({ name: 'revoked-dashboard', role: Role.VIEWER });
    await server.services.apiKeys.revoke(apiKey.id);
    assert.equal(await closeCodeFor(server.graphqlUrl, key), 4403);
  });

  it('delivers leadUpdated to a viewer when another process on the same database submits a lead', async () => {
    const port = await findFreePort();
    second = startServe(['--roles', 'api'], { DATABASE_URL: server.config.databaseUrl!, PORT: String(port), ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'info' });
    await second.waitFor(/serving GraphQL/);

    const subscription = await subscribe(server.graphqlUrl, server.keys[Role.VIEWER], LEAD_UPDATED);
    await settle();
    const submitted = await graphql(`http://127.0.0.1:${port}/graphql`, SUBMIT, {
      key: ADMIN_KEY,
      variables: { input: { name: 'Ada Cross', email: 'ada.cross@example.com', message: 'A shop, from the other process.' } },
    });
    assert.equal(submitted.errors, undefined);
    const event = await subscription.next();
    assert.equal(event.errors, undefined);
    assert.deepEqual(event.data, { leadUpdated: { id: submitted.data!.submitLead.id, name: 'Ada Cross', status: 'NEW' } });
    await subscription.close();
  });

  it('sends leadUpdated(id) only for that lead', async () => {
    const first = await graphql(server.graphqlUrl, SUBMIT, {
      key: server.keys[Role.INTEGRATION],
      variables: { input: { name: 'Only Me', email: 'only.me@example.com', message: 'The one to follow.' } },
    });
    const id = first.data!.submitLead.id as string;
    const subscription = await subscribe(server.graphqlUrl, server.keys[Role.APPROVER], LEAD_UPDATED, { id });
    await settle();
    await graphql(server.graphqlUrl, SUBMIT, {
      key: server.keys[Role.INTEGRATION],
      variables: { input: { name: 'Not Me', email: 'not.me@example.com', message: 'Someone else entirely.' } },
    });
    await server.live.leadChanged(id);
    await delay(500);
    assert.deepEqual(subscription.received.map((result) => result.data?.leadUpdated?.name), ['Only Me']);
    await subscription.close();
  });
});
