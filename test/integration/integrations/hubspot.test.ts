import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Signature } from '@hubspot/api-client';
import { Role } from '../../../src/entities/enums.js';
import { createHubSpotClient } from '../../../src/integrations/hubspot/hubspot.client.js';
import { hubSpotSignature } from '../../../src/integrations/hubspot/hubspot-signature.js';
import { RateBucket } from '../../../src/integrations/hubspot/rate-bucket.js';
import { createLogger } from '../../../src/logger.js';
import { FakeHubSpotServer } from '../../fakes/fake-hubspot.server.js';
import { graphql } from '../../helpers/graphql.js';
import { latestProposal, readLead, submitLead, waitForLead } from '../../helpers/pipeline.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { eventually } from '../../helpers/webhook-receiver.js';

const CLIENT_SECRET = 'hubspot-client-secret-for-tests';

const lead = (email: string) => ({
  name: 'Lena Vogt',
  email,
  company: 'Vogt Reisen',
  website: 'https://vogt-reisen.example',
  message: 'We need a booking platform for our guided tours with online payment, a customer account area and an admin dashboard for our staff.',
  budget: 45000,
  timeline: 'within four months',
});

/** Sweeps until the lead's link is synced up to what it wants (the jobs run on the worker). */
async function syncNow(server: TestServer, leadId: string) {
  return eventually(async () => {
    await server.integrations!.sweep();
    const [row] = (await server.dataSource.query(`SELECT * FROM crm_links WHERE lead_id = $1`, [leadId])) as Record<string, any>[];
    return row && row.synced >= row.wanted && row;
  }, `lead ${leadId} synced`, 30_000);
}

async function signedPost(server: TestServer, body: string, options: { timestamp?: number; tamper?: (body: string) => string; secret?: string } = {}) {
  const timestamp = String(options.timestamp ?? Date.now());
  const uri = `${server.url}/webhooks/hubspot`;
  const signature = hubSpotSignature(options.secret ?? CLIENT_SECRET, 'POST', uri, body, timestamp);
  const response = await fetch(uri, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp },
    body: options.tamper ? options.tamper(body) : body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('HubSpot sync and webhooks', () => {
  const hubspot = new FakeHubSpotServer();
  let smtp: TestSmtpServer;
  let server: TestServer;
  before(async () => {
    await hubspot.start();
    smtp = await startSmtpServer();
    server = await startTestServer({
      worker: true,
      integrationsSweepIntervalMs: 0,
      env: { HUBSPOT_TOKEN: hubspot.token, HUBSPOT_BASE_URL: hubspot.baseUrl, HUBSPOT_CLIENT_SECRET: CLIENT_SECRET, SMTP_URL: smtp.url, MAIL_FROM: 'Agency <sales@agency.example>' },
    });
  });
  after(async () => {
    await server.stop();
    await smtp.stop();
    await hubspot.stop();
  });

  let leadId: string;
  let proposalId: string;

  it('creates one contact and one deal (stage, amount = proposal total) as the lead moves, through a 429', async () => {
    leadId = await submitLead(server, lead('lena@vogt-reisen.example'));
    const waiting = await waitForLead(server, leadId, (found) => found.status === 'AWAITING_APPROVAL' || found.status === 'DISQUALIFIED' || found.status === 'FAILED');
    assert.equal(waiting.status, 'AWAITING_APPROVAL', JSON.stringify(waiting.activities.map((activity: { type: string }) => activity.type)));
    const proposal = latestProposal(waiting);
    proposalId = proposal.id;

    hubspot.rateLimitNext(1, 1);
    await syncNow(server, leadId);
    assert.ok(hubspot.calls.some((call) => call.status === 429), 'HubSpot answered 429 once');
    const contacts = hubspot.live('contacts');
    assert.equal(contacts.length, 1);
    assert.deepEqual(
      { email: contacts[0]!.properties.email, firstname: contacts[0]!.properties.firstname, lastname: contacts[0]!.properties.lastname, company: contacts[0]!.properties.company, lead: contacts[0]!.properties.leadpilot_lead_id },
      { email: 'lena@vogt-reisen.example', firstname: 'Lena', lastname: 'Vogt', company: 'Vogt Reisen', lead: leadId },
    );
    const deals = hubspot.live('deals');
    assert.equal(deals.length, 1);
    assert.equal(deals[0]!.properties.dealstage, 'presentationscheduled');
    assert.equal(Number(deals[0]!.properties.amount), Number(proposal.total));
    assert.deepEqual(deals[0]!.associations, [{ toId: contacts[0]!.id, typeId: 3 }]);
    assert.equal(hubspot.live('notes').length, 0, 'no note before the proposal goes out');
  });

  it('moves the deal to contractsent and writes the summariser note with the proposal link once it is sent', async () => {
    const approved = await graphql(server.graphqlUrl, `mutation ($id: ID!) { approveProposal(id: $id) { status } }`, { key: server.keys[Role.APPROVER], variables: { id: proposalId } });
    assert.equal(approved.errors, undefined, JSON.stringify(approved.errors));
    await waitForLead(server, leadId, (found) => found.status === 'SENT');
    await syncNow(server, leadId);
    await syncNow(server, leadId);
    const deal = hubspot.live('deals')[0]!;
    assert.equal(deal.properties.dealstage, 'contractsent');
    const notes = hubspot.live('notes');
    assert.equal(notes.length, 1);
    assert.match(notes[0]!.properties.hs_note_body!, new RegExp(`/dashboard/proposals/${proposalId}`));
    assert.deepEqual(notes[0]!.associations.map((association) => association.typeId).sort(), [202, 214]);
    const runs = (await server.dataSource.query(`SELECT count(*)::int AS count FROM agent_runs WHERE lead_id = $1 AND agent = 'crm-summariser'`, [leadId])) as { count: number }[];
    assert.equal(runs[0]!.count, 1, 'the note came from the CRM summariser agent');
  });

  it('refuses /webhooks/hubspot with a stale, altered or missing signature', async () => {
    const body = JSON.stringify([{ eventId: 1, subscriptionType: 'deal.propertyChange', objectId: Number(hubspot.live('deals')[0]!.id), propertyName: 'dealstage', propertyValue: 'closedwon' }]);
    const stale = await signedPost(server, body, { timestamp: Date.now() - 6 * 60_000 });
    assert.equal(stale.status, 401);
    assert.match(stale.body.error.message, /5 minutes/);
    const altered = await signedPost(server, body, { tamper: (text) => text.replace('closedwon', 'closedlost') });
    assert.equal(altered.status, 401);
    const wrongSecret = await signedPost(server, body, { secret: 'not-the-secret' });
    assert.equal(wrongSecret.status, 401);
    const unsigned = await fetch(`${server.url}/webhooks/hubspot`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(unsigned.status, 401);
    assert.equal((await readLead(server, leadId)).status, 'SENT', 'nothing was acted on');
  });

  it('agrees with the official client on the v3 signature', () => {
    const body = '[{"eventId":1}]';
    const timestamp = String(Date.now());
    const url = 'https://leadpilot.example/webhooks/hubspot?portal=1';
    const ours = hubSpotSignature(CLIENT_SECRET, 'POST', url, body, timestamp);
    assert.equal(Signature.isValid({ signatureVersion: 'v3', signature: ours, clientSecret: CLIENT_SECRET, requestBody: body, method: 'POST', url, timestamp: Number(timestamp) }), true);
  });

  it('takes a reply logged in HubSpot (conversation.newMessage) into recordLeadReply, once', async () => {
    hubspot.messages.set('7001/msg-1', { id: 'msg-1', type: 'MESSAGE', direction: 'INCOMING', text: 'Thanks, looks good. Can we talk on Monday?', senders: [{ deliveryIdentifier: { type: 'HS_EMAIL_ADDRESS', value: 'Lena@Vogt-Reisen.example' } }] });
    const body = JSON.stringify([{ eventId: 2, subscriptionType: 'conversation.newMessage', objectId: 7001, messageId: 'msg-1', messageType: 'MESSAGE' }]);
    const first = await signedPost(server, body);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.match(first.body.results[0].result, /reply recorded/);
    const again = await signedPost(server, body);
    assert.equal(again.status, 200);
    assert.match(again.body.results[0].result, /already recorded/);
    const found = await readLead(server, leadId);
    const replies = found.activities.filter((activity: { type: string }) => activity.type === 'lead.replied');
    assert.equal(replies.length, 1);
    assert.equal(replies[0].actor, 'hubspot');
    assert.equal(replies[0].data.text, 'Thanks, looks good. Can we talk on Monday?');
  });

  it('records closedwon set in HubSpot as the proposal being ACCEPTED, and ignores the echo', async () => {
    const dealId = hubspot.live('deals')[0]!.id;
    const body = JSON.stringify([{ eventId: 3, subscriptionType: 'deal.propertyChange', objectId: Number(dealId), propertyName: 'dealstage', propertyValue: 'closedwon', changeSource: 'CRM_UI' }]);
    const answer = await signedPost(server, body);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const found = await readLead(server, leadId);
    assert.equal(found.status, 'WON');
    assert.equal(found.proposals.find((proposal: { id: string }) => proposal.id === proposalId).status, 'ACCEPTED');
    const echo = await signedPost(server, body.replace('"eventId":3', '"eventId":4'));
    assert.match(echo.body.results[0].result, /ignored/);
    await syncNow(server, leadId);
    assert.equal(hubspot.live('deals')[0]!.properties.dealstage, 'closedwon');
  });

  it('adopts what HubSpot created when the answer was lost: no duplicate contact or deal', async () => {
    const other = await submitLead(server, lead('jonas@vogt-reisen.example'));
    await waitForLead(server, other, (found) => found.status === 'AWAITING_APPROVAL' || found.status === 'DISQUALIFIED' || found.status === 'FAILED');
    const contactsBefore = hubspot.objects.contacts.size;
    const dealsBefore = hubspot.objects.deals.size;
    hubspot.loseNextCreateAnswer();
    await server.integrations!.sweep();
    const failed = await eventually(async () => {
      const [row] = (await server.dataSource.query(`SELECT * FROM crm_links WHERE lead_id = $1`, [other])) as Record<string, any>[];
      return row?.attempts === 1 && row;
    }, 'the failed sync');
    assert.equal(failed.contact_id, null, 'the id never reached us');
    assert.match(failed.last_error, /502/);
    assert.equal(hubspot.objects.contacts.size, contactsBefore + 1, 'but HubSpot has the contact');
    // Due again later: the retry searches by leadpilot_lead_id and adopts it.
    await server.dataSource.query(`UPDATE crm_links SET next_attempt_at = now() - interval '1 second' WHERE lead_id = $1`, [other]);
    const synced = await syncNow(server, other);
    assert.equal(hubspot.objects.contacts.size, contactsBefore + 1, 'no duplicate contact');
    assert.equal(hubspot.objects.contacts.get(synced.contact_id)!.properties.leadpilot_lead_id, other);
    assert.equal(hubspot.objects.deals.size, dealsBefore + 1, 'one deal');
    assert.equal(synced.deal_id, [...hubspot.objects.deals.values()].find((deal) => deal.properties.leadpilot_lead_id === other)!.id);
  });

  it('erasure reaches HubSpot: the contact GDPR-deleted, the deal removed', async () => {
    const [link] = (await server.dataSource.query(`SELECT contact_id, deal_id FROM crm_links WHERE lead_id = $1`, [leadId])) as { contact_id: string; deal_id: string }[];
    const erased = await graphql(server.graphqlUrl, `mutation ($id: ID!) { eraseLead(id: $id) }`, { key: server.keys[Role.ADMIN], variables: { id: leadId } });
    assert.equal(erased.errors, undefined, JSON.stringify(erased.errors));
    const synced = await syncNow(server, leadId);
    assert.equal(synced.erased, true);
    assert.deepEqual(hubspot.purged, [link!.contact_id]);
    assert.equal(hubspot.objects.contacts.has(link!.contact_id), false);
    assert.equal(hubspot.objects.deals.get(link!.deal_id)!.archived, true);
  });

  it('shares one request budget in PostgreSQL: a bucket gives its capacity at once, then says how long to wait', async () => {
    const bucket = new RateBucket(server.dataSource, { name: 'spec-bucket', capacity: 3, perMs: 60_000 });
    const other = new RateBucket(server.dataSource, { name: 'spec-bucket', capacity: 3, perMs: 60_000 });
    assert.deepEqual([await bucket.tryTake(), await other.tryTake(), await bucket.tryTake()], [0, 0, 0]);
    const wait = await other.tryTake();
    assert.ok(wait > 10_000 && wait <= 20_000, `one token per 20 s: wait ${wait} ms`);
  });

  it('gives up on a HubSpot call after its timeout', async () => {
    const silent = await import('node:http').then(({ createServer }) => createServer(() => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const client = createHubSpotClient({ token: 't', baseUrl: `http://127.0.0.1:${port}`, bucket: new RateBucket(server.dataSource, { name: 'timeout-spec', capacity: 10, perMs: 1000 }), logger: createLogger({ level: 'silent' }), timeoutMs: 200, retries: 0 });
      await assert.rejects(client.findDeal('x'), /no answer from HubSpot within 200 ms/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
