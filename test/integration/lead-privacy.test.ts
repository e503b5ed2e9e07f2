import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../src/entities/enums.js';
import { LeadPrivacyService } from '../../src/services/lead-privacy.service.js';
import { errorCodes, graphql } from '../helpers/graphql.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PERSON = { name: 'Margarethe Kowalski', email: 'm.kowalski@kowalski-bau.example', company: 'Kowalski Bau GmbH', phone: '+49 30 1234567', website: 'https://kowalski-bau.example' };
const ERASE = `mutation ($id: ID!) { eraseLead(id: $id) }`;
const EXPORT = `query ($id: ID!) { exportLead(id: $id) }`;

describe(LeadPrivacyService.name, () => {
  let server: TestServer;
  let leadId: string;
  let proposalId: string;

  before(async () => {
    server = await startTestServer();
    const { lead } = await server.services.leads.submit({ ...PERSON, message: `Hello, I am ${PERSON.name} from ${PERSON.company}; call ${PERSON.phone}.`, budget: 20000, timeline: 'by spring' }, 'system');
    leadId = lead.id;
    const proposal = await server.services.proposals.createDraft(lead.id, {
      title: `Proposal for ${PERSON.company}`,
      body: `Dear ${PERSON.name},\n\nwe write to ${PERSON.email} about ${PERSON.company}.`,
      lineItems: [{ description: `Shop for ${PERSON.company}`, amount: 5000 }],
    });
    proposalId = proposal.id;
    await graphql(server.graphqlUrl, `mutation ($id: ID!) { rejectProposal(id: $id, feedback: "Call ${PERSON.name} first") { id } }`, { key: server.keys[Role.APPROVER], variables: { id: proposal.id } });
    const sql = (text: string, params: unknown[]) => server.dataSource.query(text, params);
    await sql(`INSERT INTO solution_designs (lead_id, revision, summary, components) VALUES ($1, 1, $2, $3)`, [leadId, `A shop for ${PERSON.company}`, JSON.stringify([{ name: `${PERSON.company} portal` }])]);
    await sql(`INSERT INTO outbound_messages (lead_id, proposal_id, kind, channel, recipient, subject, payload, idempotency_key) VALUES ($1, $2, 'acknowledgement', 'email', $3, $4, $5, 'ack-1')`, [
      leadId, proposalId, PERSON.email, `Hello ${PERSON.name}`, JSON.stringify({ text: `Dear ${PERSON.name}`, to: PERSON.email }),
    ]);
    await sql(`INSERT INTO agent_runs (lead_id, agent, strategy, latency_ms, status, error) VALUES ($1, 'qualify', 'chain-of-thought', 12, 'failed', $2)`, [leadId, `could not parse ${PERSON.email}`]);
    await sql(`INSERT INTO lead_activities (lead_id, type, data, actor) VALUES ($1, 'lead.reply', $2, 'system')`, [leadId, JSON.stringify({ from: PERSON.email, text: `Regards, ${PERSON.name}` })]);
    // What the pipeline keeps: a step's recorded output, the basis a revision was written from, a contract draft.
    await sql(`INSERT INTO lead_pipeline_steps (lead_id, key, step, generation, output) VALUES ($1, '1:intake', 'intake', 1, $2)`, [leadId, JSON.stringify({ normalised: { email: PERSON.email, name: PERSON.name } })]);
    await sql(`UPDATE proposals SET basis = $2, contract_draft = $3 WHERE id = $1`, [proposalId, JSON.stringify({ lead: { name: PERSON.name, company: PERSON.company } }), `Contract between ${PERSON.company} and the agency`]);
  });
  after(() => server.stop());

  /** Every row of every table, as text, that contains the needle. */
  async function tablesContaining(needle: string): Promise<string[]> {
    const tables = (await server.dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)) as { table_name: string }[];
    const found: string[] = [];
    for (const { table_name: table } of tables) {
      const [row] = (await server.dataSource.query(`SELECT count(*)::int AS n FROM "${table}" t WHERE t::text ILIKE $1`, [`%${needle}%`])) as { n: number }[];
      if (row!.n > 0) found.push(table);
    }
    return found;
  }

  it('exports everything held on the person, to admins only', async () => {
    const refused = await graphql(server.graphqlUrl, EXPORT, { key: server.keys[Role.APPROVER], variables: { id: leadId } });
    assert.deepEqual(errorCodes(refused), ['FORBIDDEN']);
    const response = await graphql(server.graphqlUrl, EXPORT, { key: server.keys[Role.ADMIN], variables: { id: leadId } });
    assert.equal(response.errors, undefined);
    const exported = response.data!.exportLead;
    assert.equal(exported.lead.email, PERSON.email);
    assert.equal(exported.lead.phone, PERSON.phone);
    assert.deepEqual(exported.proposals.map((proposal: any) => proposal.id), [proposalId]);
    assert.equal(exported.decisions.length, 1);
    assert.equal(exported.outboundMessages[0].recipient, PERSON.email);
    assert.equal(exported.solutionDesigns.length, 1);
    assert.equal(exported.agentRuns.length, 1);
    assert.ok(exported.activities.some((activity: any) => activity.type === 'lead.created'));
    const missing = await graphql(server.graphqlUrl, EXPORT, { key: server.keys[Role.ADMIN], variables: { id: '00000000-0000-4000-8000-000000000000' } });
    assert.deepEqual(errorCodes(missing), ['NOT_FOUND']);
  });

  it('erases the person from every table, keeping the activity trail without them', async () => {
    const before = await graphql(server.graphqlUrl, `query ($id: ID!) { lead(id: $id) { activities { type actor } } }`, { key: server.keys[Role.VIEWER], variables: { id: leadId } });
    assert.deepEqual((await tablesContaining(PERSON.email)).sort(), ['agent_runs', 'lead_activities', 'lead_pipeline_steps', 'leads', 'outbound_messages', 'proposals'], 'the search finds the e-mail before');
    const refused = await graphql(server.graphqlUrl, ERASE, { key: server.keys[Role.APPROVER], variables: { id: leadId } });
    assert.deepEqual(errorCodes(refused), ['FORBIDDEN']);
    const response = await graphql(server.graphqlUrl, ERASE, { key: server.keys[Role.ADMIN], variables: { id: leadId } });
    assert.equal(response.data!.eraseLead, true);
    for (const value of [PERSON.email, PERSON.name, PERSON.company, PERSON.phone, 'kowalski']) {
      assert.deepEqual(await tablesContaining(value), [], `"${value}" is gone everywhere`);
    }
    const lead = await graphql(server.graphqlUrl, `query ($id: ID!) { lead(id: $id) { name email company erasedAt activities { type actor data } proposals { total lineItems { amount } } } }`, { key: server.keys[Role.VIEWER], variables: { id: leadId } });
    const erased = lead.data!.lead;
    assert.equal(erased.name, '[erased]');
    assert.equal(erased.email, `erased+${leadId}@invalid`);
    assert.equal(erased.company, null);
    assert.ok(erased.erasedAt);
    assert.equal(erased.proposals[0].total, 5000, 'prices survive for the KPIs');
    const types = erased.activities.map((activity: any) => activity.type);
    assert.deepEqual(types.slice(0, -1), before.data!.lead.activities.map((activity: any) => activity.type), 'the trail is kept');
    assert.equal(types.at(-1), 'lead.erased');
    assert.ok(erased.activities.slice(0, -1).every((activity: any) => Object.keys(activity.data).length === 0));
  });

  it('erases idempotently: a second call answers true and writes nothing', async () => {
    const response = await graphql(server.graphqlUrl, ERASE, { key: server.keys[Role.ADMIN], variables: { id: leadId } });
    assert.equal(response.data!.eraseLead, true);
    const [row] = (await server.dataSource.query(`SELECT count(*)::int AS n FROM lead_activities WHERE lead_id = $1 AND type = 'lead.erased'`, [leadId])) as { n: number }[];
    assert.equal(row!.n, 1);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const missing = await graphql(server.graphqlUrl, ERASE, { key: server.keys[Role.ADMIN], variables: { id } });
      assert.deepEqual(errorCodes(missing), ['NOT_FOUND'], id);
    }
  });
});
