import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LeadSource, ProposalStatus, Role } from '../../src/entities/enums.js';
import { LeadResolver } from '../../src/resolvers/lead.resolver.js';
import { errorCodes, graphql } from '../helpers/graphql.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const LEADS = `query ($first: Int, $after: String, $filter: LeadFilterInput) {
  leads(first: $first, after: $after, filter: $filter) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`;

describe(LeadResolver.name, () => {
  let server: TestServer;
  let counter = 0;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  const submit = (fields: Record<string, unknown> = {}) => {
    counter += 1;
    return server.services.leads.submit({ name: `Person ${counter}`, email: `person${counter}@example.com`, message: `Need an app ${counter}.`, ...fields }, 'system').then((result) => result.lead);
  };
  const read = (query: string, variables: Record<string, unknown> = {}) => graphql(server.graphqlUrl, query, { key: server.keys[Role.VIEWER], variables });
  const count = async (table: string) => ((await server.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[])[0]!.n;

  it('finds a lead by id, and answers null for an unknown or malformed id', async () => {
    const lead = await submit({ company: 'Acme' });
    const found = await read(`query ($id: ID!) { lead(id: $id) { id company status } }`, { id: lead.id });
    assert.deepEqual(found.data!.lead, { id: lead.id, company: 'Acme', status: 'NEW' });
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const missing = await read(`query ($id: ID!) { lead(id: $id) { id } }`, { id });
      assert.equal(missing.errors, undefined);
      assert.equal(missing.data!.lead, null);
    }
  });

  it('filters by search over name, company and e-mail, taking % and _ literally', async () => {
    const percent = await submit({ name: 'Percy 100% Sure', company: 'Under_Score Ltd' });
    await submit({ name: 'Percy 1000 Sure', company: 'UnderXScore Ltd' });
    const byPercent = await read(LEADS, { filter: { search: '100%' } });
    assert.deepEqual(byPercent.data!.leads.edges.map((edge: any) => edge.node.id), [percent.id]);
    assert.equal(byPercent.data!.leads.totalCount, 1);
    const byUnderscore = await read(LEADS, { filter: { search: 'under_score' } });
    assert.deepEqual(byUnderscore.data!.leads.edges.map((edge: any) => edge.node.id), [percent.id]);
    const byEmail = await read(LEADS, { filter: { search: percent.email.toUpperCase() } });
    assert.deepEqual(byEmail.data!.leads.edges.map((edge: any) => edge.node.id), [percent.id]);
  });

  it('filters by status, source and a created-at range, with totalCount matching the filter', async () => {
    const fromForm = await submit({ source: LeadSource.FORM });
    await server.dataSource.query(`UPDATE leads SET status = 'spam', priority = 'low' WHERE id = $1`, [fromForm.id]);
    const spam = await read(LEADS, { filter: { status: 'SPAM', source: 'FORM', priority: 'LOW' } });
    assert.deepEqual(spam.data!.leads.edges.map((edge: any) => edge.node.id), [fromForm.id]);
    assert.equal(spam.data!.leads.totalCount, 1);
    const createdAt = fromForm.createdAt.toISOString();
    const range = await read(LEADS, { filter: { createdFrom: createdAt, createdTo: new Date(fromForm.createdAt.getTime() + 1).toISOString() } });
    assert.deepEqual(range.data!.leads.edges.map((edge: any) => edge.node.id), [fromForm.id]);
  });

  it('refuses an unknown enum, an oversized search and an inverted range, clearly', async () => {
    const unknownEnum = await read(LEADS, { filter: { status: 'ASLEEP' } });
    assert.deepEqual(errorCodes(unknownEnum), ['BAD_USER_INPUT']);
    assert.match(unknownEnum.errors![0]!.message, /ASLEEP/);
    const oversized = await read(LEADS, { filter: { search: 'x'.repeat(201) } });
    assert.deepEqual(errorCodes(oversized), ['BAD_USER_INPUT']);
    assert.match(oversized.errors![0]!.message, /^filter\.search: at most 200/);
    const inverted = await read(LEADS, { filter: { createdFrom: '2026-02-01T00:00:00Z', createdTo: '2026-01-01T00:00:00Z' } });
    assert.deepEqual(errorCodes(inverted), ['BAD_USER_INPUT']);
  });

  it('pages a filtered list with no duplicates or gaps while leads are inserted between pages', async () => {
    const tagged: string[] = [];
    for (let index = 0; index < 7; index += 1) tagged.push((await submit({ company: 'Pagewise GmbH' })).id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const response = await read(LEADS, { first: 3, after, filter: { search: 'pagewise' } });
      assert.equal(response.errors, undefined);
      const connection = response.data!.leads;
      seen.push(...connection.edges.map((edge: any) => edge.node.id));
      // Newer rows land before the cursor and must not shift the pages still to come.
      await submit({ company: 'Pagewise GmbH' });
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    assert.deepEqual(seen, [...tagged].reverse());
  });

  it('finds proposals by id and status, and queues those pending approval oldest first', async () => {
    const lead = await submit();
    const first = await server.services.proposals.createDraft(lead.id, {}, ProposalStatus.PENDING_APPROVAL);
    const approved = await server.services.proposals.createDraft(lead.id, {}, ProposalStatus.APPROVED);
    const second = await server.services.proposals.createDraft(lead.id, {}, ProposalStatus.PENDING_APPROVAL);
    const one = await read(`query ($id: ID!) { proposal(id: $id) { id revision lead { id } } }`, { id: approved.id });
    assert.deepEqual(one.data!.proposal, { id: approved.id, revision: 2, lead: { id: lead.id } });
    assert.equal((await read(`{ proposal(id: "nope") { id } }`)).data!.proposal, null);
    const queue = await read(`{ approvalQueue { id } }`);
    assert.deepEqual(queue.data!.approvalQueue.map((proposal: any) => proposal.id), [first.id, second.id]);
    const byStatus = await read(`{ proposals(status: APPROVED) { totalCount edges { node { id } } } }`);
    assert.deepEqual(byStatus.data!.proposals, { totalCount: 1, edges: [{ node: { id: approved.id } }] });
  });

  it('loads a page of leads with their proposals, decisions and activities in a fixed number of queries', async () => {
    const queriesFor = async (first: number) => {
      let queries = 0;
      const logger = server.dataSource.logger;
      const original = logger.logQuery.bind(logger);
      logger.logQuery = (...args) => {
        // The rate limiter writes its counts in batches on its own clock, not per request: not a read of this page.
        if (!/rate_limit_counters/.test(args[0])) queries += 1;
        return original(...args);
      };
      try {
        const response = await read(`query ($first: Int) { leads(first: $first) { edges { node { id activities { type } solutionDesigns { id } proposals { id lead { id } decisions { id } } } } } }`, { first });
        assert.equal(response.errors, undefined);
        assert.equal(response.data!.leads.edges.length, first);
      } finally {
        logger.logQuery = original;
      }
      return queries;
    };
    for (let index = 0; index < 20; index += 1) {
      const lead = await submit();
      await server.services.proposals.createDraft(lead.id);
    }
    const small = await queriesFor(2);
    const large = await queriesFor(20);
    assert.equal(large, small, 'the count does not grow with the page size');
    assert.ok(large >= 7 && large <= 12, `a page costs ${large} queries (count, page, five relations, the key unless cached)`);
  });

  it('returns the same lead for the same idempotency key and input, and CONFLICT for other input', async () => {
    const SUBMIT = `mutation ($input: SubmitLeadInput!) { submitLead(input: $input) { id } }`;
    const input = { name: 'Ida', email: 'ida@example.com', message: 'A booking system.', idempotencyKey: 'form-42' };
    const key = server.keys[Role.INTEGRATION];
    const first = await graphql(server.graphqlUrl, SUBMIT, { key, variables: { input } });
    const again = await graphql(server.graphqlUrl, SUBMIT, { key, variables: { input } });
    assert.equal(again.data!.submitLead.id, first.data!.submitLead.id);
    const other = await graphql(server.graphqlUrl, SUBMIT, { key, variables: { input: { ...input, message: 'Something else.' } } });
    assert.deepEqual(errorCodes(other), ['CONFLICT']);
  });

  it('answers a duplicate within 24 hours with the first lead and records an activity', async () => {
    const SUBMIT = `mutation ($input: SubmitLeadInput!) { submitLead(input: $input) { id activities { type } } }`;
    const input = { name: 'Dup', email: 'dup@example.com', message: 'Same words twice.' };
    const key = server.keys[Role.INTEGRATION];
    const first = await graphql(server.graphqlUrl, SUBMIT, { key, variables: { input } });
    const second = await graphql(server.graphqlUrl, SUBMIT, { key, variables: { input: { ...input, email: 'DUP@example.com' } } });
    assert.equal(second.data!.submitLead.id, first.data!.submitLead.id);
    assert.deepEqual(second.data!.submitLead.activities.map((activity: any) => activity.type), ['lead.created', 'lead.duplicate_submitted']);
  });

  it('answers each bad submission clearly and writes nothing', async () => {
    const SUBMIT = `mutation ($input: SubmitLeadInput!) { submitLead(input: $input) { id } }`;
    const valid = { name: 'Val', email: 'val@example.com', message: 'Valid.' };
    const leadsBefore = await count('leads');
    const activitiesBefore = await count('lead_activities');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...valid, budget: 'lots' }, /budget/],
      [{ ...valid, name: 42 }, /name/],
      [{ ...valid, message: 'x'.repeat(10_001) }, /message: at most 10000/],
      [{ ...valid, email: 'not-an-email' }, /email: expected an e-mail address/],
      [{ ...valid, language: 'KLINGON' }, /KLINGON/],
      [{ ...valid, budget: -1 }, /budget: must be 0 or more/],
    ];
    for (const [input, message] of cases) {
      const response = await graphql(server.graphqlUrl, SUBMIT, { key: server.keys[Role.INTEGRATION], variables: { input } });
      assert.deepEqual(errorCodes(response), ['BAD_USER_INPUT'], JSON.stringify(input).slice(0, 80));
      assert.match(response.errors![0]!.message, message);
    }
    assert.equal(await count('leads'), leadsBefore);
    assert.equal(await count('lead_activities'), activitiesBefore);
  });
});
