import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { findFreePort } from '../../src/database/embedded-postgres.js';
import { Language, PricingModel, ProposalStatus, Role } from '../../src/entities/enums.js';
import { Proposal } from '../../src/entities/proposal.entity.js';
import { createSubscriptionServer } from '../../src/graphql/subscription.server.js';
import { graphql } from '../helpers/graphql.js';
import { startServe, type ServeProcess } from '../helpers/process.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { closeCodeFor, subscribe, webSocketUrl } from '../helpers/subscriptions.js';
import WebSocket from 'ws';

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

    // Its listening connection is closed on the way out, or the process would not exit.
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
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

  it('sends proposalUpdated(status) for proposals that moved to that status, with the row as it is now', async () => {
    const lead = await graphql(server.graphqlUrl, SUBMIT, {
      key: server.keys[Role.INTEGRATION],
      variables: { input: { name: 'Proposal Lead', email: 'proposal.lead@example.com', message: 'Priced work, please.' } },
    });
    // Proposals come from the agents issue; until then, a row written straight to the table.
    const proposals = server.dataSource.getRepository(Proposal);
    const proposal = await proposals.save(
      proposals.create({
        leadId: lead.data!.submitLead.id,
        revision: 1,
        language: Language.EN,
        title: 'Web shop',
        body: 'We build it.',
        total: 12_000,
        pricingModel: PricingModel.FIXED_PRICE,
        status: ProposalStatus.PENDING_APPROVAL,
      }),
    );
    const subscription = await subscribe(
      server.graphqlUrl,
      server.keys[Role.VIEWER],
      `subscription { proposalUpdated(status: APPROVED) { id title status } }`,
    );
    await settle();
    await server.live.proposalChanged(proposal.id, ProposalStatus.PENDING_APPROVAL);
    await proposals.update(proposal.id, { status: ProposalStatus.APPROVED, title: 'Web shop, approved' });
    await server.live.proposalChanged(proposal.id, ProposalStatus.APPROVED);
    const event = await subscription.next();
    assert.deepEqual(event.data, { proposalUpdated: { id: proposal.id, title: 'Web shop, approved', status: 'APPROVED' } });
    await delay(300);
    assert.equal(subscription.received.length, 1, 'the PENDING_APPROVAL event was not sent');
    await subscription.close();
  });

  it('skips an event whose row is gone by the time it is loaded', async () => {
    const subscription = await subscribe(server.graphqlUrl, server.keys[Role.VIEWER], LEAD_UPDATED);
    await settle();
    await server.live.leadChanged('99999999-9999-4999-8999-999999999999');
    await delay(300);
    assert.deepEqual(subscription.received, []);
    await subscription.close();
  });

  it('ends open subscriptions with 1001 when the server stops', async () => {
    const other = await startTestServer();
    const socket = new WebSocket(webSocketUrl(other.graphqlUrl), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${other.keys[Role.VIEWER]}` } }));
    await new Promise((resolve) => socket.once('message', resolve));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { leadUpdated { id } }' } }));
    await settle();
    const started = Date.now();
    await other.stop();
    assert.equal(await closed, 1001);
    assert.ok(Date.now() - started < 5_000, 'stopping does not wait for subscribers to leave');
  });

  it('closes with 4403 at the next event once the key has been revoked', async () => {
    const { apiKey, key } = await server.services.apiKeys.create({ name: 'dashboard-to-revoke', role: Role.VIEWER });
    const socket = new WebSocket(webSocketUrl(server.graphqlUrl), 'graphql-transport-ws');
    const messages: string[] = [];
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.on('message', (data) => messages.push(String(data)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } }));
    await delay(100);
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { leadUpdated { id name } }' } }));
    await settle();
    await server.services.apiKeys.revoke(apiKey.id);
    await graphql(server.graphqlUrl, SUBMIT, {
      key: server.keys[Role.INTEGRATION],
      variables: { input: { name: 'After Revoke', email: 'after.revoke@example.com', message: 'Nobody should see me.' } },
    });
    assert.equal(await closed, 4403);
    assert.ok(!messages.some((message) => message.includes('After Revoke')), 'the revoked key received nothing');
  });
});
