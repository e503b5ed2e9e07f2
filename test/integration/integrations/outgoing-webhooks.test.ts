import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../../src/entities/enums.js';
import { FakeSlackServer } from '../../fakes/fake-slack.server.js';
import { errorCodes, graphql } from '../../helpers/graphql.js';
import { submitLead } from '../../helpers/pipeline.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { TestClock } from '../../helpers/smtp.js';
import { eventually, WebhookReceiver } from '../../helpers/webhook-receiver.js';

const CREATE = `mutation ($url: String!, $events: [String!]!) {
  createWebhookEndpoint(url: $url, events: $events) { secret endpoint { id url events enabled } }
}`;
const HOUR = 60 * 60_000;

const lead = (email: string) => ({
  name: 'Ines Brandt',
  email,
  company: 'Brandt Bikes',
  message: 'We would like an online shop for our bicycles with a booking calendar for repairs.',
  budget: 30000,
  timeline: 'in three months',
});

async function createEndpoint(server: TestServer, url: string, events: string[]) {
  const response = await graphql(server.graphqlUrl, CREATE, { key: server.keys[Role.ADMIN], variables: { url, events } });
  assert.equal(response.errors, undefined, JSON.stringify(response.errors));
  return response.data!.createWebhookEndpoint as { secret: string; endpoint: { id: string } };
}

const deliveryRow = async (server: TestServer, endpointId: string) =>
  ((await server.dataSource.query(`SELECT * FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY created_at`, [endpointId])) as Record<string, any>[])[0];

describe('outgoing webhooks: endpoints over GraphQL', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('lets only admins create and list endpoints', async () => {
    for (const role of [Role.VIEWER, Role.INTEGRATION, Role.APPROVER]) {
      const created = await graphql(server.graphqlUrl, CREATE, { key: server.keys[role], variables: { url: 'http://127.0.0.1:9/hooks', events: ['lead.created'] } });
      assert.deepEqual(errorCodes(created), ['FORBIDDEN'], role);
      const listed = await graphql(server.graphqlUrl, `{ webhookEndpoints { id } }`, { key: server.keys[role] });
      assert.deepEqual(errorCodes(listed), ['FORBIDDEN'], role);
    }
    const anonymous = await graphql(server.graphqlUrl, `{ webhookEndpoints { id } }`);
    assert.deepEqual(errorCodes(anonymous), ['UNAUTHENTICATED']);
  });

  it('refuses unknown events (naming the allowed ones) and URLs that are not http(s)', async () => {
    const badEvent = await graphql(server.graphqlUrl, CREATE, { key: server.keys[Role.ADMIN], variables: { url: 'https://crm.example/hooks', events: ['lead.created', 'lead.exploded'] } });
    assert.deepEqual(errorCodes(badEvent), ['BAD_USER_INPUT']);
    assert.match(badEvent.errors![0]!.message, /lead\.exploded/);
    assert.match(badEvent.errors![0]!.message, /proposal\.pending_approval/);
    const noEvents = await graphql(server.graphqlUrl, CREATE, { key: server.keys[Role.ADMIN], variables: { url: 'https://crm.example/hooks', events: [] } });
    assert.deepEqual(errorCodes(noEvents), ['BAD_USER_INPUT']);
    for (const url of ['ftp://crm.example/hooks', 'javascript:alert(1)', 'not a url']) {
      const badUrl = await graphql(server.graphqlUrl, CREATE, { key: server.keys[Role.ADMIN], variables: { url, events: ['lead.created'] } });
      assert.deepEqual(errorCodes(badUrl), ['BAD_USER_INPUT'], url);
      assert.match(badUrl.errors![0]!.message, /^url: /);
    }
  });

  it('shows the secret once: the endpoint type has no secret field afterwards', async () => {
    const created = await createEndpoint(server, 'https://crm.example/hooks', ['proposal.approved', 'proposal.sent']);
    assert.match(created.secret, /^whsec_[A-Za-z0-9_-]{40,}$/);
    const listed = await graphql(server.graphqlUrl, `{ webhookEndpoints { id url events enabled } }`, { key: server.keys[Role.ADMIN] });
    assert.deepEqual(
      listed.data?.webhookEndpoints.find((endpoint: { id: string }) => endpoint.id === created.endpoint.id),
      { id: created.endpoint.id, url: 'https://crm.example/hooks', events: ['proposal.approved', 'proposal.sent'], enabled: true },
    );
    const asked = await graphql(server.graphqlUrl, `{ webhookEndpoints { id secret } }`, { key: server.keys[Role.ADMIN] });
    assert.deepEqual(errorCodes(asked), ['GRAPHQL_VALIDATION_FAILED']);
    assert.ok(!JSON.stringify(listed).includes(created.secret));
  });
});

describe('outgoing webhooks: written with the change that causes them', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('writes proposal.pending_approval for a new revision (agents or a human edit), and erasure empties and cancels them', async () => {
    const created = await createEndpoint(server, 'http://127.0.0.1:9/hooks', ['proposal.pending_approval']);
    const { lead: submitted } = await server.services.leads.submit(lead('edit@brandt-bikes.example'), 'api-key:test');
    // Setup only: where the agents would have taken the lead.
    await server.dataSource.query(`UPDATE leads SET status = 'awaiting_approval' WHERE id = $1`, [submitted.id]);
    const draft = await server.services.proposals.createDraft(submitted.id, { title: 'Bike shop' });
    const edited = await graphql(server.graphqlUrl, `mutation ($id: ID!) { editProposal(id: $id, input: { title: "Bike shop with repairs" }) { id revision } }`, {
      key: server.keys[Role.APPROVER],
      variables: { id: draft.id },
    });
    assert.equal(edited.errors, undefined, JSON.stringify(edited.errors));
    const rows = (await server.dataSource.query(`SELECT event, status, payload FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY created_at`, [created.endpoint.id])) as Record<string, any>[];
    assert.deepEqual(rows.map((row) => [row.event, row.status, row.payload.proposal.id, row.payload.proposal.title]), [
      ['proposal.pending_approval', 'pending', draft.id, 'Bike shop'],
      ['proposal.pending_approval', 'pending', edited.data!.editProposal.id, 'Bike shop with repairs'],
    ]);
    assert.equal(rows[0]!.payload.lead.email, 'edit@brandt-bikes.example');

    const erased = await graphql(server.graphqlUrl, `mutation ($id: ID!) { eraseLead(id: $id) }`, { key: server.keys[Role.ADMIN], variables: { id: submitted.id } });
    assert.equal(erased.errors, undefined, JSON.stringify(erased.errors));
    const after = (await server.dataSource.query(`SELECT id, status, payload, last_error FROM webhook_deliveries WHERE endpoint_id = $1`, [created.endpoint.id])) as Record<string, any>[];
    for (const row of after) {
      assert.deepEqual(row.payload, { event: 'proposal.pending_approval', erased: true });
      assert.equal(row.status, 'failed');
      assert.equal(row.last_error, 'not sent: lead erased');
    }
    const replay = await graphql(server.graphqlUrl, `mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id } }`, { key: server.keys[Role.ADMIN], variables: { id: after[0]!.id } });
    assert.deepEqual(errorCodes(replay), ['CONFLICT']);
  });
});

describe('outgoing webhooks: delivered signed, as the pipeline moves', () => {
  const receiver = new WebhookReceiver();
  let server: TestServer;
  before(async () => {
    await receiver.start();
    server = await startTestServer({ worker: true });
  });
  after(async () => {
    await server.stop();
    await receiver.stop();
  });

  it('sends lead.created and lead.qualified for a new lead, each signed with the endpoint secret', async () => {
    const created = await createEndpoint(server, receiver.url, ['lead.created', 'lead.qualified']);
    receiver.secret = created.secret;
    const leadId = await submitLead(server, lead('ines@brandt-bikes.example'));
    await eventually(() => receiver.accepted.size >= 2, 'two deliveries');
    const events = [...receiver.accepted.values()].map((body) => body.event).sort();
    assert.deepEqual(events, ['lead.created', 'lead.qualified']);
    for (const received of receiver.received) {
      assert.equal(received.signatureValid, true, received.signatureProblem);
      assert.equal(received.body.lead.id, leadId);
      assert.equal(received.body.id, received.deliveryId);
      assert.equal(received.event, received.body.event);
    }
    const qualified = [...receiver.accepted.values()].find((body) => body.event === 'lead.qualified')!;
    assert.ok(['in_progress', 'disqualified', 'spam', 'awaiting_approval', 'sent'].includes(qualified.data.status), JSON.stringify(qualified));
    // Deliveries are recorded, delivered once each.
    const rows = await eventually(async () => {
      const found = (await server.dataSource.query(`SELECT status, attempts, last_status_code FROM webhook_deliveries WHERE endpoint_id = $1`, [created.endpoint.id])) as Record<string, unknown>[];
      return found.every((row) => row.status !== 'pending') && found;
    }, 'both recorded');
    assert.deepEqual(rows.map((row) => [row.status, row.attempts, row.last_status_code]), [['delivered', 1, 200], ['delivered', 1, 200]]);
  });
});

describe('outgoing webhooks: retries, replay, and disabling a dead endpoint (controlled clock)', () => {
  const receiver = new WebhookReceiver();
  const dead = new WebhookReceiver();
  const slack = new FakeSlackServer();
  const clock = new TestClock();
  let server: TestServer;
  before(async () => {
    await receiver.start();
    await dead.start();
    await slack.start();
    server = await startTestServer({
      worker: true,
      clock,
      integrationsSweepIntervalMs: 0,
      env: { SLACK_BOT_TOKEN: slack.token, SLACK_SIGNING_SECRET: 'slack-signing-secret-for-tests', SLACK_APPROVAL_CHANNEL: 'C0APPROVALS', SLACK_API_URL: slack.apiUrl },
    });
  });
  after(async () => {
    await server.stop();
    await receiver.stop();
    await dead.stop();
    await slack.stop();
  });

  it('retries a receiver that is down until it is up, delivered once, with one delivery id', async () => {
    const created = await createEndpoint(server, receiver.url, ['lead.created']);
    receiver.secret = created.secret;
    receiver.failWith = 503;
    await submitLead(server, lead('first@brandt-bikes.example'));
    await eventually(async () => deliveryRow(server, created.endpoint.id), 'the delivery row');

    assert.equal(await server.integrations!.webhooks.sweep(), 1);
    const failed = await eventually(async () => {
      const row = await deliveryRow(server, created.endpoint.id);
      return row?.attempts === 1 && row.last_status_code === 503 && row;
    }, 'the failed first attempt');
    assert.equal(failed.status, 'pending');
    assert.match(failed.last_error, /HTTP 503/);
    const waitMs = new Date(failed.next_attempt_at).getTime() - clock.now().getTime();
    assert.ok(waitMs >= 10_000 && waitMs <= 40_000, `first retry after ${waitMs} ms`);

    // Not due yet: the sweep leaves it.
    assert.equal(await server.integrations!.webhooks.sweep(), 0);
    receiver.failWith = undefined;
    clock.advance(waitMs + 1);
    assert.equal(await server.integrations!.webhooks.sweep(), 1);
    const delivered = await eventually(async () => {
      const row = await deliveryRow(server, created.endpoint.id);
      return row?.status === 'delivered' && row;
    }, 'the delivery');
    assert.equal(delivered.attempts, 2);
    assert.equal(receiver.received.length, 2);
    assert.equal(new Set(receiver.received.map((received) => received.deliveryId)).size, 1);
    assert.equal(receiver.accepted.size, 1);
    assert.ok(receiver.received.every((received) => received.signatureValid));

    clock.advance(2 * HOUR);
    assert.equal(await server.integrations!.webhooks.sweep(), 0, 'nothing more to send');

    // replayWebhookDelivery: the same delivery again, same id, freshly signed.
    const denied = await graphql(server.graphqlUrl, `mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id } }`, { key: server.keys[Role.APPROVER], variables: { id: delivered.id } });
    assert.deepEqual(errorCodes(denied), ['FORBIDDEN']);
    const replayed = await graphql(server.graphqlUrl, `mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id status attempts } }`, { key: server.keys[Role.ADMIN], variables: { id: delivered.id } });
    assert.deepEqual(replayed.data?.replayWebhookDelivery, { id: delivered.id, status: 'pending', attempts: 2 });
    assert.equal(await server.integrations!.webhooks.sweep(), 1);
    await eventually(() => receiver.received.length === 3, 'the replay');
    assert.equal(receiver.received[2]!.deliveryId, delivered.id);
    assert.equal(receiver.received[2]!.signatureValid, true);
    await eventually(async () => (await deliveryRow(server, created.endpoint.id))?.status === 'delivered', 'the replay recorded');
    const unknown = await graphql(server.graphqlUrl, `mutation { replayWebhookDelivery(id: "00000000-0000-4000-8000-000000000000") { id } }`, { key: server.keys[Role.ADMIN] });
    assert.deepEqual(errorCodes(unknown), ['NOT_FOUND']);
  });

  it('disables an endpoint that failed for 24 hours and tells the admins in Slack', async () => {
    const created = await createEndpoint(server, dead.url, ['lead.created']);
    dead.secret = created.secret;
    dead.failWith = 500;
    await submitLead(server, lead('second@brandt-bikes.example'));
    await eventually(async () => deliveryRow(server, created.endpoint.id), 'the delivery row');

    const attempt = async (expected: number) => {
      await server.integrations!.webhooks.sweep();
      return eventually(async () => {
        // The receiver answers with how many requests it has seen: the row shows this attempt's answer once it is recorded.
        const row = await deliveryRow(server, created.endpoint.id);
        return row?.attempts === expected && String(row.last_error).includes(`"seen":${expected}`) && row;
      }, `attempt ${expected}`);
    };
    let row = await attempt(1);
    for (let hours = 0, made = 1; hours < 21; hours += 2) {
      clock.advance(2 * HOUR);
      made += 1;
      row = await attempt(made);
      assert.equal(row.status, 'pending', `still retrying after ${hours + 2} h`);
    }
    let endpoint = (await server.dataSource.query(`SELECT enabled FROM webhook_endpoints WHERE id = $1`, [created.endpoint.id]))[0];
    assert.equal(endpoint.enabled, true);
    assert.equal(slack.messages.length, 0);

    clock.advance(2 * HOUR);
    row = await attempt(row.attempts + 1);
    assert.equal(row.status, 'failed');
    await eventually(() => slack.messages.length === 1, 'the Slack notice');
    assert.equal(slack.messages[0]!.channel, 'C0APPROVALS');
    assert.match(slack.messages[0]!.text, new RegExp(created.endpoint.id));
    assert.ok(!slack.messages[0]!.text.includes(created.secret));
    const listed = await graphql(server.graphqlUrl, `{ webhookEndpoints { id enabled disabledReason deliveries { status attempts lastStatusCode } } }`, { key: server.keys[Role.ADMIN] });
    const shown = listed.data?.webhookEndpoints.find((candidate: { id: string }) => candidate.id === created.endpoint.id);
    assert.equal(shown.enabled, false);
    assert.match(shown.disabledReason, /24 hours/);
    assert.deepEqual(shown.deliveries, [{ status: 'failed', attempts: row.attempts, lastStatusCode: 500 }]);

    // Nothing more goes out to it, and a replay waits for it to be enabled again.
    const before = dead.received.length;
    clock.advance(2 * HOUR);
    await server.integrations!.webhooks.sweep();
    const refused = await graphql(server.graphqlUrl, `mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id } }`, { key: server.keys[Role.ADMIN], variables: { id: row.id } });
    assert.deepEqual(errorCodes(refused), ['CONFLICT']);
    assert.equal(dead.received.length, before);
    endpoint = (await graphql(server.graphqlUrl, `mutation ($id: ID!) { setWebhookEndpointEnabled(id: $id, enabled: true) { enabled failingSince } }`, { key: server.keys[Role.ADMIN], variables: { id: created.endpoint.id } })).data?.setWebhookEndpointEnabled;
    assert.deepEqual(endpoint, { enabled: true, failingSince: null });
    dead.failWith = undefined;
    await graphql(server.graphqlUrl, `mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id } }`, { key: server.keys[Role.ADMIN], variables: { id: row.id } });
    await server.integrations!.webhooks.sweep();
    await eventually(async () => (await deliveryRow(server, created.endpoint.id))?.status === 'delivered', 'delivered after enabling');
  });
});
