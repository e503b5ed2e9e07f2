import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../../src/entities/enums.js';
import { signatureHeader } from '../../../src/integrations/webhook-signature.js';
import { graphql } from '../../helpers/graphql.js';
import { intakeJobsFor } from '../../helpers/intake.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const SECRET = 'whsec_test_0123456789abcdef';

const lead = (overrides: Record<string, unknown> = {}) => ({
  name: 'Mara Jensen',
  email: 'mara@harbour-logistics.example',
  company: 'Harbour Logistics',
  message: 'We need a customer portal where our clients track their shipments and download invoices.',
  budget: 40000,
  timeline: 'Q3',
  ...overrides,
});

interface Delivery {
  body?: string;
  deliveryId?: string | null;
  signature?: string | null;
  contentType?: string;
  headers?: Record<string, string>;
}

async function deliver(server: TestServer, options: Delivery = {}) {
  const body = options.body ?? JSON.stringify(lead());
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', ...options.headers };
  const deliveryId = options.deliveryId === undefined ? randomUUID() : options.deliveryId;
  if (deliveryId !== null) headers['leadpilot-delivery'] = deliveryId;
  const signature = options.signature === undefined ? signatureHeader(SECRET, body, new Date()) : options.signature;
  if (signature !== null) headers['leadpilot-signature'] = signature;
  const response = await fetch(`${server.url}/webhooks/leads`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, any>, deliveryId };
}

const countRows = async (server: TestServer, sql: string, parameters: unknown[] = []) =>
  ((await server.dataSource.query(sql, parameters)) as { count: number }[])[0]!.count;

describe('POST /webhooks/leads, signed with LEAD_WEBHOOK_SECRET', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { LEAD_WEBHOOK_SECRET: SECRET } });
  });
  after(() => server.stop());

  it('takes a signed lead: 202 with its id, source WEBHOOK, queued for intake like submitLead', async () => {
    const answer = await deliver(server);
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    const leadId = answer.body.leadId as string;
    assert.match(leadId, /^[0-9a-f-]{36}$/);
    const found = await graphql(server.graphqlUrl, `query ($id: ID!) { lead(id: $id) { name email source status activities { type actor data } } }`, {
      key: server.keys[Role.VIEWER],
      variables: { id: leadId },
    });
    assert.equal(found.data?.lead.source, 'WEBHOOK');
    assert.equal(found.data?.lead.email, 'mara@harbour-logistics.example');
    const created = found.data?.lead.activities.find((activity: { type: string }) => activity.type === 'lead.created');
    assert.equal(created.actor, 'webhook:leads');
    assert.equal(created.data.deliveryId, answer.deliveryId);
    assert.equal(await intakeJobsFor(server.dataSource, leadId), 1);
  });

  it('answers a repeated delivery id with the first result (200) and creates nothing more', async () => {
    const deliveryId = randomUUID();
    const body = JSON.stringify(lead({ email: 'repeat@example.com', message: 'A booking system for our three climbing gyms.' }));
    const first = await deliver(server, { deliveryId, body });
    assert.equal(first.status, 202);
    // A retry is signed again (a new timestamp) but carries the same delivery id.
    const again = await deliver(server, { deliveryId, body });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body);
    assert.equal(await countRows(server, `SELECT count(*)::int AS count FROM leads WHERE email = 'repeat@example.com'`), 1);
    assert.equal(await countRows(server, `SELECT count(*)::int AS count FROM inbound_webhook_deliveries WHERE delivery_id = $1`, [deliveryId]), 1);
  });

  it('makes one lead of concurrent deliveries with one id', async () => {
    const deliveryId = randomUUID();
    const body = JSON.stringify(lead({ email: 'race@example.com', message: 'An app for field technicians to log repairs offline.' }));
    const answers = await Promise.all(Array.from({ length: 6 }, () => deliver(server, { deliveryId, body })));
    const statuses = answers.map((answer) => answer.status).sort();
    assert.ok(statuses.every((status) => status === 200 || status === 202), JSON.stringify(answers));
    assert.equal(new Set(answers.map((answer) => answer.body.leadId)).size, 1, 'every answer names the same lead');
    assert.equal(await countRows(server, `SELECT count(*)::int AS count FROM leads WHERE email = 'race@example.com'`), 1);
    assert.equal(await countRows(server, `SELECT count(*)::int AS count FROM inbound_webhook_deliveries WHERE delivery_id = $1`, [deliveryId]), 1);
    assert.equal(await intakeJobsFor(server.dataSource, answers[0]!.body.leadId), 1);
  });

  it('refuses missing, malformed, altered, stale and wrongly keyed signatures with 401 and a message', async () => {
    const body = JSON.stringify(lead({ email: 'forged@example.com' }));
    const stale = new Date(Date.now() - 6 * 60_000);
    const cases: [string, Delivery, RegExp][] = [
      ['missing', { body, signature: null }, /header is missing/],
      ['malformed', { body, signature: 'sha256=abc' }, /malformed/],
      ['altered body', { body: body.replace('forged', 'forgedd'), signature: signatureHeader(SECRET, body, new Date()) }, /does not match/],
      ['stale', { body, signature: signatureHeader(SECRET, body, stale) }, /more than 5 minutes/],
      ['from the future', { body, signature: signatureHeader(SECRET, body, new Date(Date.now() + 6 * 60_000)) }, /more than 5 minutes/],
      ['other secret', { body, signature: signatureHeader('not-the-secret', body, new Date()) }, /does not match/],
    ];
    for (const [name, delivery, message] of cases) {
      const answer = await deliver(server, delivery);
      assert.equal(answer.status, 401, name);
      assert.equal(answer.body.error.code, 'UNAUTHENTICATED', name);
      assert.match(answer.body.error.message, message, name);
    }
    // A signature just inside the window is fine.
    const recent = await deliver(server, { body, signature: signatureHeader(SECRET, body, new Date(Date.now() - 4 * 60_000)) });
    assert.equal(recent.status, 202);
  });

  it('answers bad requests with 400, 413, 415 and 422 and a clear message, storing nothing', async () => {
    const before = await countRows(server, `SELECT count(*)::int AS count FROM leads`);
    const notJson = await deliver(server, { body: '{"name": "x",', contentType: 'application/json' });
    assert.equal(notJson.status, 400);
    assert.match(notJson.body.error.message, /not valid JSON/);

    const formEncoded = await deliver(server, { body: 'name=x', contentType: 'application/x-www-form-urlencoded' });
    assert.equal(formEncoded.status, 415);
    assert.match(formEncoded.body.error.message, /Content-Type: application\/json/);

    const noDelivery = await deliver(server, { deliveryId: null });
    assert.equal(noDelivery.status, 400);
    assert.match(noDelivery.body.error.message, /Leadpilot-Delivery header must be a UUID/);

    const invalid = await deliver(server, { body: JSON.stringify(lead({ email: 'not-an-address', message: '' })) });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.error.code, 'BAD_USER_INPUT');
    assert.deepEqual(invalid.body.error.problems.map((problem: { field: string }) => problem.field).sort(), ['email', 'message']);
    assert.match(invalid.body.error.message, /email: expected an e-mail address/);

    const array = await deliver(server, { body: JSON.stringify([lead()]) });
    assert.equal(array.status, 422);

    const withSource = await deliver(server, { body: JSON.stringify(lead({ source: 'IMPORT' })) });
    assert.equal(withSource.status, 422);
    assert.match(withSource.body.error.message, /source/);

    const huge = await deliver(server, { body: JSON.stringify(lead({ message: 'x'.repeat(1_100_000) })) });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, 'PAYLOAD_TOO_LARGE');

    assert.equal(await countRows(server, `SELECT count(*)::int AS count FROM leads`), before);
    assert.equal(await countRows(server, `SELECT count(*)::int AS count FROM inbound_webhook_deliveries WHERE response->>'leadId' IS NULL`), 0);
  });

  it('takes the longest valid lead even when a sender escapes every character (\\uXXXX)', async () => {
    const euros = (count: number) => '€'.repeat(count);
    const longest = { name: euros(200), company: euros(200), website: euros(500), phone: euros(50), timeline: euros(200), message: `Preise in €: ${euros(9_987)}` };
    const body = JSON.stringify(lead({ email: 'escaped@example.com', ...longest })).replace(/[^\x00-\x7f]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
    assert.ok(body.length > 64_000, `${body.length} bytes`);
    const answer = await deliver(server, { body });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    const [row] = (await server.dataSource.query(`SELECT length(message)::int AS length FROM leads WHERE id = $1`, [answer.body.leadId])) as { length: number }[];
    assert.equal(row!.length, 10_000);
  });

  it('does not take an API key in place of the signature while a secret is set', async () => {
    const answer = await deliver(server, { signature: null, headers: { authorization: `Bearer ${server.keys[Role.INTEGRATION]}` } });
    assert.equal(answer.status, 401);
  });
});

describe('POST /webhooks/leads without LEAD_WEBHOOK_SECRET: an integration key instead', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('requires a key with the integration (or admin) role', async () => {
    const none = await deliver(server, { signature: null });
    assert.equal(none.status, 401);
    assert.match(none.body.error.message, /integration role is required/);

    const wrong = await deliver(server, { signature: null, headers: { authorization: 'Bearer lp_not-a-real-key' } });
    assert.equal(wrong.status, 401);

    const viewer = await deliver(server, { signature: null, headers: { authorization: `Bearer ${server.keys[Role.VIEWER]}` } });
    assert.equal(viewer.status, 403);
    assert.equal(viewer.body.error.code, 'FORBIDDEN');

    const integration = await deliver(server, { signature: null, headers: { authorization: `Bearer ${server.keys[Role.INTEGRATION]}` } });
    assert.equal(integration.status, 202, JSON.stringify(integration.body));
    const found = await graphql(server.graphqlUrl, `query ($id: ID!) { lead(id: $id) { source activities { type actor } } }`, {
      key: server.keys[Role.VIEWER],
      variables: { id: integration.body.leadId },
    });
    assert.equal(found.data?.lead.source, 'WEBHOOK');
    assert.equal(found.data?.lead.activities[0].actor, 'api-key:test-integration');
  });
});
