import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ProposalStatus, Role } from '../../../src/entities/enums.js';
import { KpiService } from '../../../src/services/kpi.service.js';
import { errorCodes, graphql } from '../../helpers/graphql.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { subscribe } from '../../helpers/subscriptions.js';

const HOUR = 3_600_000;

describe(KpiService.name, () => {
  let server: TestServer;
  let counter = 0;
  const period = () => ({ from: new Date(Date.now() - 6 * HOUR).toISOString(), to: new Date(Date.now() + 6 * HOUR).toISOString() });
  const rows = (sql: string, params: unknown[] = []) => server.dataSource.query(sql, params) as Promise<any[]>;
  const kpis = async (selection: string, key = server.keys[Role.VIEWER]) => {
    const response = await graphql(server.graphqlUrl, `query ($from: DateTime, $to: DateTime) { kpis(from: $from, to: $to) { ${selection} } }`, { key, variables: period() });
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    return response.data!.kpis;
  };

  async function newLead() {
    counter += 1;
    const { lead } = await server.services.leads.submit({ name: `Lead ${counter}`, email: `kpi${counter}@example.com`, message: `We need a portal ${counter}.` }, 'system');
    return lead;
  }
  /** Moves a lead's capture to `seconds` before its proposal became pending, and its first reply to `replySeconds` after capture. */
  async function backdate(leadId: string, seconds: number, replySeconds: number | null) {
    const [pending] = await rows(`SELECT min(changed_at) AS at FROM status_changes WHERE lead_id = $1 AND subject = 'proposal' AND to_status = 'pending_approval'`, [leadId]);
    const base = pending.at ? new Date(pending.at) : new Date();
    await rows(
      `UPDATE leads SET created_at = $2::timestamptz - make_interval(secs => $3), first_response_at = CASE WHEN $4::float8 IS NULL THEN NULL ELSE $2::timestamptz - make_interval(secs => $3) + make_interval(secs => $4::float8) END WHERE id = $1`,
      [leadId, base, seconds, replySeconds],
    );
  }

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('refuses callers without a key and periods that make no sense', async () => {
    const anonymous = await graphql(server.graphqlUrl, '{ kpis { from } }');
    assert.deepEqual(errorCodes(anonymous), ['UNAUTHENTICATED']);
    const backwards = await graphql(server.graphqlUrl, '{ kpis(from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { from } }', { key: server.keys[Role.VIEWER] });
    assert.deepEqual(errorCodes(backwards), ['BAD_USER_INPUT']);
  });

  it('computes response, generation, approval, conversion and deal figures from what happened', async () => {
    // won: proposal pending 30 min after capture, answered in 30 s, approved 10 min later, sent, accepted
    const won = await newLead();
    const wonProposal = await server.services.proposals.createDraft(won.id, { total: 40_000, lineItems: [{ description: 'Build', days: 40, rate: 1000, amount: 40_000 }] });
    await backdate(won.id, 1800, 30);
    // pending: proposal pending 2 h after capture, answered in 300 s, still waiting
    const pending = await newLead();
    await server.services.proposals.createDraft(pending.id, { total: 12_000, lineItems: [{ description: 'Build', days: 12, rate: 1000, amount: 12_000 }] });
    await backdate(pending.id, 7200, 300);
    // captured just now, not answered yet: not yet judged against the 2 minutes
    await newLead();
    // spam is not counted at all
    const spam = await newLead();
    await rows(`UPDATE leads SET status = 'spam' WHERE id = $1`, [spam.id]);
    await rows(`UPDATE proposals SET prompt_version = 'proposal-writer/v2' WHERE id = $1`, [wonProposal.id]);

    const approved = await graphql(server.graphqlUrl, 'mutation ($id: ID!) { approveProposal(id: $id) { status } }', { key: server.keys[Role.APPROVER], variables: { id: wonProposal.id } });
    assert.equal(approved.data?.approveProposal.status, 'APPROVED');
    await rows(
      `UPDATE approval_decisions d SET created_at = s.changed_at + interval '600 seconds'
         FROM status_changes s WHERE d.proposal_id = $1 AND s.subject_id = d.proposal_id AND s.to_status = 'pending_approval'`,
      [wonProposal.id],
    );
    // Sending is the e-mail part's; here the proposal and lead move to SENT as it would move them.
    await rows(`UPDATE proposals SET status = 'sent', sent_at = now() WHERE id = $1`, [wonProposal.id]);
    await rows(`UPDATE leads SET status = 'sent' WHERE id = $1`, [won.id]);
    const outcome = await graphql(server.graphqlUrl, 'mutation ($id: ID!) { recordProposalOutcome(id: $id, outcome: ACCEPTED) { status } }', { key: server.keys[Role.ADMIN], variables: { id: wonProposal.id } });
    assert.equal(outcome.data?.recordProposalOutcome.status, 'ACCEPTED');

    const figures = await kpis(`
      responseTime { leads count medianSeconds p95Seconds withinTargetRate mailTransportConfigured }
      proposalGeneration { leads count medianSeconds p95Seconds withinTargetRate }
      approvalLatency { count medianSeconds byApprover { approver count medianSeconds } }
      conversion { leads leadsWithProposal leadToProposalRate leadsWithSentProposal leadsWon proposalToContractRate deals totalDealSize averageDealSize pipelineValue }
      stageTimes { subject stage completed current }
      byPromptVersion { name proposals decided approvalRate firstDecisions firstTimeApprovalRate outcomes winRate }
      targets { responseSeconds leadToProposalRate apiErrorRate }`);

    assert.deepEqual(figures.responseTime, { leads: 3, count: 2, medianSeconds: 165, p95Seconds: 286.5, withinTargetRate: 0.5, mailTransportConfigured: false });
    assert.equal(figures.proposalGeneration.leads, 3);
    assert.equal(figures.proposalGeneration.count, 2);
    assert.ok(Math.abs(figures.proposalGeneration.medianSeconds - 4500) < 0.01, String(figures.proposalGeneration.medianSeconds));
    assert.equal(figures.proposalGeneration.withinTargetRate, 0.5);
    assert.equal(figures.approvalLatency.count, 1);
    assert.ok(Math.abs(figures.approvalLatency.medianSeconds - 600) < 0.01);
    assert.deepEqual(figures.approvalLatency.byApprover.map((row: any) => [row.approver, row.count]), [['api-key:test-approver', 1]]);
    assert.deepEqual(figures.conversion, {
      leads: 3,
      leadsWithProposal: 2,
      leadToProposalRate: 2 / 3,
      leadsWithSentProposal: 1,
      leadsWon: 1,
      proposalToContractRate: 1,
      deals: 1,
      totalDealSize: 40_000,
      averageDealSize: 40_000,
      pipelineValue: 12_000,
    });
    const pendingStage = figures.stageTimes.find((row: any) => row.subject === 'proposal' && row.stage === 'pending_approval');
    assert.deepEqual(pendingStage && [pendingStage.completed, pendingStage.current], [1, 1]);
    assert.deepEqual(
      figures.byPromptVersion.find((row: any) => row.name === 'proposal-writer/v2'),
      { name: 'proposal-writer/v2', proposals: 1, decided: 1, approvalRate: 1, firstDecisions: 1, firstTimeApprovalRate: 1, outcomes: 1, winRate: 1 },
    );
    assert.deepEqual(figures.byPromptVersion.find((row: any) => row.name === '(none)'), { name: '(none)', proposals: 1, decided: 0, approvalRate: null, firstDecisions: 0, firstTimeApprovalRate: null, outcomes: 0, winRate: null });
    assert.deepEqual(figures.targets, { responseSeconds: 120, leadToProposalRate: 0.6, apiErrorRate: 0.01 });
  });

  it('counts failed GraphQL operations and agent runs into the error rate, with cost and provider rates', async () => {
    const attempt = (provider: string, errorClass: string | null) => ({ provider, model: `${provider}-model`, errorClass, message: errorClass, latencyMs: 100 });
    await rows(
      `INSERT INTO agent_runs (agent, strategy, provider, model, attempts, cost, latency_ms, status) VALUES
        ('qualification', 'direct', 'openai', 'openai-model', $1, 0.25, 100, 'succeeded'),
        ('qualification', 'direct', 'gemini', 'gemini-model', $2, 0.5, 200, 'succeeded'),
        ('qualification', 'direct', NULL, NULL, $3, 0, 100, 'failed')`,
      [JSON.stringify([attempt('openai', null)]), JSON.stringify([attempt('openai', 'server'), attempt('gemini', null)]), JSON.stringify([attempt('openai', 'timeout')])],
    );
    const refused = await graphql(server.graphqlUrl, 'query Refused { kpis { from } }');
    assert.deepEqual(errorCodes(refused), ['UNAUTHENTICATED']);

    // Operation counts reach the table every few seconds.
    let reliability: any;
    for (let tries = 0; tries < 40; tries++) {
      reliability = (await kpis('reliability { graphqlOperations failedGraphqlOperations agentRuns failedAgentRuns apiErrorRate llmCost providers { provider attempts successRate firstChoiceRuns fallbackRate } }')).reliability;
      if (reliability.failedGraphqlOperations > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const [stored] = await rows(`SELECT sum(requests)::int AS requests, sum(errors)::int AS errors FROM graphql_operation_counts`);
    assert.ok(reliability.failedGraphqlOperations >= 1 && reliability.failedGraphqlOperations <= stored.errors);
    const [refusedCount] = await rows(`SELECT sum(errors)::int AS errors FROM graphql_operation_counts WHERE operation = 'Refused'`);
    assert.equal(refusedCount.errors, 1);
    assert.equal(reliability.agentRuns, 3);
    assert.equal(reliability.failedAgentRuns, 1);
    assert.equal(reliability.llmCost, 0.75);
    assert.ok(
      Math.abs(reliability.apiErrorRate - (reliability.failedGraphqlOperations + 1) / (reliability.graphqlOperations + 3)) < 1e-9,
      JSON.stringify(reliability),
    );
    assert.deepEqual(reliability.providers, [
      { provider: 'openai', attempts: 3, successRate: 1 / 3, firstChoiceRuns: 3, fallbackRate: 1 / 3 },
      { provider: 'gemini', attempts: 1, successRate: 1, firstChoiceRuns: 0, fallbackRate: null },
    ]);
  });

  it('computes only the groups a query asks for', async () => {
    // With the operation counts out of reach, reliability cannot be computed: asking for anything
    // else still works, so nothing else touched that table.
    await rows(`ALTER TABLE graphql_operation_counts RENAME TO graphql_operation_counts_away`);
    try {
      const other = await graphql(server.graphqlUrl, '{ kpis { from conversion { leads } responseTime { count } daily { day leads } } }', { key: server.keys[Role.VIEWER] });
      assert.equal(other.errors, undefined);
      const asked = await graphql(server.graphqlUrl, '{ kpis { reliability { graphqlOperations } } }', { key: server.keys[Role.VIEWER] });
      assert.deepEqual(errorCodes(asked), ['INTERNAL_SERVER_ERROR']);
    } finally {
      await rows(`ALTER TABLE graphql_operation_counts_away RENAME TO graphql_operation_counts`);
    }
  });

  it('gives one row per day for the charts', async () => {
    const response = await graphql(server.graphqlUrl, '{ kpis(from: "2026-01-01T00:00:00Z", to: "2026-01-31T00:00:00Z") { daily { day leads } } }', { key: server.keys[Role.VIEWER] });
    assert.equal(response.errors, undefined);
    const days = response.data!.kpis.daily;
    assert.equal(days.length, 30);
    assert.equal(days[0].day, '2026-01-01T00:00:00.000Z');
    assert.equal(days[29].day, '2026-01-30T00:00:00.000Z');
  });

  it('pushes fresh figures on changes, at most once a second', async () => {
    const subscription = await subscribe(server.graphqlUrl, server.keys[Role.VIEWER], 'subscription { kpisUpdated { to conversion { leads } } }');
    try {
      const before = (await kpis('conversion { leads }')).conversion.leads;
      await newLead();
      const first = await subscription.next();
      assert.equal(first.errors, undefined);
      assert.equal((first.data as any).kpisUpdated.conversion.leads, before + 1);
      const started = Date.now();
      for (let index = 0; index < 6; index++) await newLead();
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      const later = subscription.received.slice(1);
      const elapsed = (Date.now() - started) / 1000;
      assert.ok(later.length >= 1 && later.length <= Math.ceil(elapsed) + 1, `${later.length} events in ${elapsed} s`);
      assert.equal((later.at(-1)!.data as any).kpisUpdated.conversion.leads, before + 7);
    } finally {
      await subscription.close();
    }
  });

  it('takes a rejected proposal out of the pipeline value', async () => {
    const lead = await newLead();
    const proposal = await server.services.proposals.createDraft(lead.id, {}, ProposalStatus.PENDING_APPROVAL);
    const beforeValue = (await kpis('conversion { pipelineValue }')).conversion.pipelineValue;
    await server.services.proposals.reject(proposal.id, 'Too vague', { principal: { keyId: 'x', name: 'tester', role: Role.APPROVER, delegate: false } });
    const afterValue = (await kpis('conversion { pipelineValue }')).conversion.pipelineValue;
    assert.equal(beforeValue - afterValue, proposal.total);
  });
});
