import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ProposalStatus, Role } from '../../src/entities/enums.js';
import { ProposalService } from '../../src/services/proposal.service.js';
import { errorCodes, graphql } from '../helpers/graphql.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const APPROVE = `mutation ($id: ID!, $comment: String, $onBehalfOf: String) { approveProposal(id: $id, comment: $comment, onBehalfOf: $onBehalfOf) { id status version decisions { decision decidedBy channel feedback } } }`;
const REJECT = `mutation ($id: ID!, $feedback: String!, $onBehalfOf: String) { rejectProposal(id: $id, feedback: $feedback, onBehalfOf: $onBehalfOf) { id status } }`;
const OUTCOME = `mutation ($id: ID!, $outcome: ProposalOutcome!) { recordProposalOutcome(id: $id, outcome: $outcome) { id status lead { id status } } }`;
const EDIT = `mutation ($id: ID!, $input: EditProposalInput!) { editProposal(id: $id, input: $input) { id revision status title total lineItems { description amount } } }`;

describe(ProposalService.name, () => {
  let server: TestServer;
  let secondApprover: string;
  let delegate: string;
  let counter = 0;

  before(async () => {
    server = await startTestServer();
    secondApprover = (await server.services.apiKeys.create({ name: 'approver-two', role: Role.APPROVER })).key;
    delegate = (await server.services.apiKeys.create({ name: 'slack-bot', role: Role.APPROVER, delegate: true })).key;
  });
  after(() => server.stop());

  async function newProposal(status = ProposalStatus.PENDING_APPROVAL) {
    counter += 1;
    const { lead } = await server.services.leads.submit({ name: `Lead ${counter}`, email: `lead${counter}@example.com`, message: `Build us a shop ${counter}.` }, 'system');
    return server.services.proposals.createDraft(lead.id, {}, status);
  }

  const rows = async (sql: string, params: unknown[] = []) => server.dataSource.query(sql, params) as Promise<any[]>;

  it('approves a pending proposal, recording the decision and an activity', async () => {
    const proposal = await newProposal();
    const response = await graphql(server.graphqlUrl, APPROVE, { key: server.keys[Role.APPROVER], variables: { id: proposal.id, comment: 'Looks good' } });
    assert.equal(response.errors, undefined);
    assert.equal(response.data!.approveProposal.status, 'APPROVED');
    assert.deepEqual(response.data!.approveProposal.decisions, [{ decision: 'APPROVED', decidedBy: 'api-key:test-approver', channel: 'GRAPHQL', feedback: 'Looks good' }]);
    const activities = await rows(`SELECT type, actor FROM lead_activities WHERE lead_id = $1 AND type = 'proposal.approved'`, [proposal.leadId]);
    assert.deepEqual(activities, [{ type: 'proposal.approved', actor: 'api-key:test-approver' }]);
  });

  it('records decisions from the dashboard page with channel DASHBOARD, and only those', async () => {
    const origin = new URL(server.graphqlUrl).origin;
    const fromDashboard = await newProposal();
    const dashboard = await graphql(server.graphqlUrl, APPROVE, { key: server.keys[Role.APPROVER], variables: { id: fromDashboard.id }, headers: { 'x-leadpilot-client': 'dashboard', origin } });
    assert.deepEqual(dashboard.data!.approveProposal.decisions, [{ decision: 'APPROVED', decidedBy: 'api-key:test-approver', channel: 'DASHBOARD', feedback: null }]);
    // The claim from a page of another site (its browser sends that site's Origin) is not honoured.
    const elsewhere = await newProposal();
    const foreign = await graphql(server.graphqlUrl, APPROVE, {
      key: server.keys[Role.APPROVER],
      variables: { id: elsewhere.id },
      headers: { 'x-leadpilot-client': 'dashboard', origin: 'https://evil.example' },
    });
    assert.equal(foreign.data!.approveProposal.decisions[0].channel, 'GRAPHQL');
    const rejected = await newProposal();
    await graphql(server.graphqlUrl, REJECT, { key: server.keys[Role.APPROVER], variables: { id: rejected.id, feedback: 'Too long' }, headers: { 'x-leadpilot-client': 'dashboard', origin } });
    assert.deepEqual(await rows(`SELECT decision, channel FROM approval_decisions WHERE proposal_id = $1`, [rejected.id]), [{ decision: 'rejected', channel: 'dashboard' }]);
  });

  it('lets exactly one of two concurrent approvals win', async () => {
    const proposal = await newProposal();
    const [first, second] = await Promise.all([
      graphql(server.graphqlUrl, APPROVE, { key: server.keys[Role.APPROVER], variables: { id: proposal.id } }),
      graphql(server.graphqlUrl, REJECT, { key: secondApprover, variables: { id: proposal.id, feedback: 'Too expensive' } }),
    ]);
    const outcomes = [first, second].map((response) => (response.errors ? errorCodes(response)[0] : 'OK')).sort();
    assert.deepEqual(outcomes, ['CONFLICT', 'OK']);
    const loser = [first, second].find((response) => response.errors)!;
    assert.match(String(loser.errors![0]!.extensions!.currentStatus), /^(APPROVED|REJECTED)$/);
    assert.equal((await rows(`SELECT count(*)::int AS n FROM approval_decisions WHERE proposal_id = $1`, [proposal.id]))[0].n, 1);
    assert.equal((await rows(`SELECT count(*)::int AS n FROM lead_activities WHERE lead_id = $1 AND type LIKE 'proposal.%ed' AND type <> 'proposal.created'`, [proposal.leadId]))[0].n, 1);
  });

  it('lets exactly one of two concurrent approvals of the same kind win', async () => {
    const proposal = await newProposal();
    const responses = await Promise.all([
      graphql(server.graphqlUrl, APPROVE, { key: server.keys[Role.APPROVER], variables: { id: proposal.id } }),
      graphql(server.graphqlUrl, APPROVE, { key: secondApprover, variables: { id: proposal.id } }),
    ]);
    assert.deepEqual(responses.map((response) => errorCodes(response)[0] ?? 'OK').sort(), ['CONFLICT', 'OK']);
  });

  it('answers a decision on a decided proposal with CONFLICT and the current status', async () => {
    const proposal = await newProposal(ProposalStatus.APPROVED);
    const response = await graphql(server.graphqlUrl, REJECT, { key: server.keys[Role.APPROVER], variables: { id: proposal.id, feedback: 'No' } });
    assert.deepEqual(errorCodes(response), ['CONFLICT']);
    assert.equal(response.errors![0]!.extensions!.currentStatus, 'APPROVED');
    assert.match(response.errors![0]!.message, /APPROVED/);
  });

  it('falls back on the unique index: a decision already on record makes another one a CONFLICT, changing nothing', async () => {
    const proposal = await newProposal();
    await rows(`INSERT INTO approval_decisions (proposal_id, decision, decided_by, channel) VALUES ($1, 'approved', 'slack:U1', 'slack')`, [proposal.id]);
    const response = await graphql(server.graphqlUrl, APPROVE, { key: server.keys[Role.APPROVER], variables: { id: proposal.id } });
    assert.deepEqual(errorCodes(response), ['CONFLICT']);
    assert.equal(response.errors![0]!.extensions!.currentStatus, 'PENDING_APPROVAL');
    assert.equal((await server.services.proposals.findById(proposal.id))!.status, ProposalStatus.PENDING_APPROVAL, 'the transition rolled back');
  });

  it('refuses onBehalfOf from a key without delegate with FORBIDDEN, and records the person for a delegate', async () => {
    const proposal = await newProposal();
    const refused = await graphql(server.graphqlUrl, APPROVE, { key: server.keys[Role.APPROVER], variables: { id: proposal.id, onBehalfOf: 'slack:U123' } });
    assert.deepEqual(errorCodes(refused), ['FORBIDDEN']);
    assert.equal((await rows(`SELECT count(*)::int AS n FROM approval_decisions WHERE proposal_id = $1`, [proposal.id]))[0].n, 0);
    const allowed = await graphql(server.graphqlUrl, APPROVE, { key: delegate, variables: { id: proposal.id, onBehalfOf: 'slack:U123' } });
    assert.deepEqual(allowed.data!.approveProposal.decisions, [{ decision: 'APPROVED', decidedBy: 'slack:U123', channel: 'SLACK', feedback: null }]);
    const [activity] = await rows(`SELECT actor FROM lead_activities WHERE lead_id = $1 AND type = 'proposal.approved'`, [proposal.leadId]);
    assert.equal(activity.actor, 'slack:U123');
  });

  it('requires feedback to reject, at most 5000 characters, writing nothing otherwise', async () => {
    const proposal = await newProposal();
    for (const feedback of ['   ', 'x'.repeat(5001)]) {
      const response = await graphql(server.graphqlUrl, REJECT, { key: server.keys[Role.APPROVER], variables: { id: proposal.id, feedback } });
      assert.deepEqual(errorCodes(response), ['BAD_USER_INPUT']);
      assert.match(response.errors![0]!.message, /^feedback: /);
    }
    assert.equal((await server.services.proposals.findById(proposal.id))!.status, ProposalStatus.PENDING_APPROVAL);
    const rejected = await graphql(server.graphqlUrl, REJECT, { key: server.keys[Role.APPROVER], variables: { id: proposal.id, feedback: 'Cheaper, please.' } });
    assert.equal(rejected.data!.rejectProposal.status, 'REJECTED');
  });

  it('keeps decisions to approvers and admins', async () => {
    const proposal = await newProposal();
    for (const role of [Role.VIEWER, Role.INTEGRATION]) {
      const response = await graphql(server.graphqlUrl, APPROVE, { key: server.keys[role], variables: { id: proposal.id } });
      assert.deepEqual(errorCodes(response), ['FORBIDDEN'], role);
    }
  });

  it('answers NOT_FOUND for a decision on an unknown proposal', async () => {
    const response = await graphql(server.graphqlUrl, APPROVE, { key: server.keys[Role.APPROVER], variables: { id: '00000000-0000-4000-8000-000000000000' } });
    assert.deepEqual(errorCodes(response), ['NOT_FOUND']);
  });

  it('records an accepted outcome of a sent proposal: the proposal ACCEPTED, the lead WON', async () => {
    const proposal = await newProposal(ProposalStatus.SENT);
    await rows(`UPDATE leads SET status = 'sent' WHERE id = $1`, [proposal.leadId]);
    const response = await graphql(server.graphqlUrl, OUTCOME, { key: server.keys[Role.INTEGRATION], variables: { id: proposal.id, outcome: 'ACCEPTED' } });
    assert.equal(response.errors, undefined);
    assert.deepEqual(response.data!.recordProposalOutcome, { id: proposal.id, status: 'ACCEPTED', lead: { id: proposal.leadId, status: 'WON' } });
    const again = await graphql(server.graphqlUrl, OUTCOME, { key: server.keys[Role.INTEGRATION], variables: { id: proposal.id, outcome: 'DECLINED' } });
    assert.deepEqual(errorCodes(again), ['CONFLICT']);
    assert.equal(again.errors![0]!.extensions!.currentStatus, 'ACCEPTED');
  });

  it('records a declined outcome: the lead LOST; an outcome of an unsent proposal is a CONFLICT', async () => {
    const proposal = await newProposal(ProposalStatus.SENT);
    await rows(`UPDATE leads SET status = 'sent' WHERE id = $1`, [proposal.leadId]);
    const response = await graphql(server.graphqlUrl, OUTCOME, { key: server.keys[Role.INTEGRATION], variables: { id: proposal.id, outcome: 'DECLINED' } });
    assert.equal(response.data!.recordProposalOutcome.lead.status, 'LOST');
    const pending = await newProposal();
    const refused = await graphql(server.graphqlUrl, OUTCOME, { key: server.keys[Role.INTEGRATION], variables: { id: pending.id, outcome: 'ACCEPTED' } });
    assert.deepEqual(errorCodes(refused), ['CONFLICT']);
    assert.equal(refused.errors![0]!.extensions!.currentStatus, 'PENDING_APPROVAL');
    const badEnum = await graphql(server.graphqlUrl, OUTCOME, { key: server.keys[Role.INTEGRATION], variables: { id: pending.id, outcome: 'MAYBE' } });
    assert.deepEqual(errorCodes(badEnum), ['BAD_USER_INPUT']);
  });

  it('makes a human edit the next revision, waiting for approval, and supersedes the edited one', async () => {
    const proposal = await newProposal();
    const response = await graphql(server.graphqlUrl, EDIT, {
      key: server.keys[Role.APPROVER],
      variables: { id: proposal.id, input: { title: 'Shop, revised', lineItems: [{ description: 'Build', amount: 1200.5 }, { description: 'Launch', days: 1, rate: 800, amount: 800 }] } },
    });
    assert.equal(response.errors, undefined);
    const revised = response.data!.editProposal;
    assert.deepEqual({ revision: revised.revision, status: revised.status, title: revised.title, total: revised.total }, { revision: 2, status: 'PENDING_APPROVAL', title: 'Shop, revised', total: 2000.5 });
    assert.equal((await server.services.proposals.findById(proposal.id))!.status, ProposalStatus.SUPERSEDED);
    const [activity] = await rows(`SELECT data FROM lead_activities WHERE lead_id = $1 AND type = 'proposal.edited'`, [proposal.leadId]);
    assert.equal(activity.data.supersedes, proposal.id);
    const again = await graphql(server.graphqlUrl, EDIT, { key: server.keys[Role.APPROVER], variables: { id: proposal.id, input: { title: 'Again' } } });
    assert.deepEqual(errorCodes(again), ['CONFLICT']);
    assert.equal(again.errors![0]!.extensions!.currentStatus, 'SUPERSEDED');
  });

  it('serves the last day of the offer as a calendar day, and takes one in an edit', async () => {
    counter += 1;
    const { lead } = await server.services.leads.submit({ name: `Lead ${counter}`, email: `lead${counter}@example.com`, message: 'Build us a shop.' }, 'system');
    const proposal = await server.services.proposals.createDraft(lead.id, { validUntil: '2027-01-31' });
    const read = await graphql(server.graphqlUrl, `query ($id: ID!) { proposal(id: $id) { validUntil } }`, { key: server.keys[Role.VIEWER], variables: { id: proposal.id } });
    assert.equal(read.errors, undefined, JSON.stringify(read.errors));
    assert.equal(read.data!.proposal.validUntil, '2027-01-31');
    const edited = await graphql(server.graphqlUrl, `mutation ($id: ID!, $input: EditProposalInput!) { editProposal(id: $id, input: $input) { validUntil } }`, {
      key: server.keys[Role.APPROVER],
      variables: { id: proposal.id, input: { validUntil: '2027-02-15' } },
    });
    assert.equal(edited.errors, undefined, JSON.stringify(edited.errors));
    assert.equal(edited.data!.editProposal.validUntil, '2027-02-15');
    const notADay = await graphql(server.graphqlUrl, `mutation ($id: ID!, $input: EditProposalInput!) { editProposal(id: $id, input: $input) { validUntil } }`, {
      key: server.keys[Role.APPROVER],
      variables: { id: proposal.id, input: { validUntil: 'next Friday' } },
    });
    assert.ok(notADay.errors?.length, 'a day that is not YYYY-MM-DD is refused');
  });

  it('edits a rejected proposal, and refuses an edit of an approved one or an empty or oversized edit', async () => {
    const rejected = await newProposal(ProposalStatus.REJECTED);
    const edited = await graphql(server.graphqlUrl, EDIT, { key: server.keys[Role.APPROVER], variables: { id: rejected.id, input: { total: 999 } } });
    assert.equal(edited.data!.editProposal.total, 999);
    const approved = await newProposal(ProposalStatus.APPROVED);
    const refused = await graphql(server.graphqlUrl, EDIT, { key: server.keys[Role.APPROVER], variables: { id: approved.id, input: { title: 'No' } } });
    assert.deepEqual(errorCodes(refused), ['CONFLICT']);
    const pending = await newProposal();
    for (const input of [{}, { title: 'x'.repeat(301) }, { lineItems: [{ description: 'Build', amount: -1 }] }, { total: 'lots' }]) {
      const response = await graphql(server.graphqlUrl, EDIT, { key: server.keys[Role.APPROVER], variables: { id: pending.id, input } });
      assert.deepEqual(errorCodes(response), ['BAD_USER_INPUT'], JSON.stringify(input));
    }
    assert.equal((await rows(`SELECT count(*)::int AS n FROM proposals WHERE lead_id = $1`, [pending.leadId]))[0].n, 1, 'nothing written');
  });
});
