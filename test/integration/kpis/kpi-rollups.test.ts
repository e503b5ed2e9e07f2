import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../../src/entities/enums.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { graphql } from '../../helpers/graphql.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/**
 * The fast path (daily sums and duration buckets kept by triggers, per-revision facts) against
 * the definitions written plainly over the raw rows, on a seeded set with the awkward cases:
 * leads on both sides of midnight UTC and across a DST change of the session's time zone,
 * replies under a second and duplicates, spam in and out, revisions with decisions recorded out
 * of order, a writer run recorded after the revision it wrote, empty and partial-day periods.
 */
describe('KPI rollups against their plain definitions', () => {
  let database: TestDatabase;
  let server: TestServer;
  const rows = (sql: string, params: unknown[] = []) => server.dataSource.query(sql, params) as Promise<any[]>;

  before(async () => {
    database = await createTestDatabase();
    // A session time zone with a DST change inside the seeded days (2026-03-08): UTC days must not move.
    const admin = await import('pg');
    const client = new admin.default.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`ALTER DATABASE ${database.name} SET timezone TO 'America/St_Johns'`);
    await client.end();
    server = await startTestServer({ database });
    await seed();
  });
  after(async () => {
    await server?.stop();
    await database?.drop();
  });

  async function seed() {
    // 400 leads from 2026-03-06 to 2026-03-10, every 17th right at or just before midnight UTC.
    await rows(`
      INSERT INTO leads (name, email, message, language, source, status, created_at, first_response_at)
      SELECT 'Lead ' || i, 'lead' || i || '@example.com', 'Need ' || i, 'en', 'api',
             CASE WHEN i % 13 = 0 THEN 'spam' WHEN i % 11 = 0 THEN 'disqualified' WHEN i % 7 = 0 THEN 'won' ELSE 'in_progress' END,
             at,
             CASE WHEN i % 9 = 0 THEN NULL
                  WHEN i % 10 = 0 THEN at + make_interval(secs => 0.4)
                  ELSE at + make_interval(secs => 5 * (i % 40) + (i % 3) * 0.25) END
        FROM generate_series(1, 400) AS i,
             LATERAL (SELECT CASE WHEN i % 17 = 0 THEN timestamptz '2026-03-07 00:00:00+00' + make_interval(days => i % 4) - make_interval(secs => (i % 2) * 0.001)
                                  ELSE timestamptz '2026-03-06 00:00:00+00' + make_interval(secs => i * 1079) END) AS t(at)`);
    // Replies recorded later (the update path), a spam lead taken back, a lead moved across midnight.
    await rows(`UPDATE leads SET first_response_at = created_at + interval '95 seconds' WHERE name IN ('Lead 9', 'Lead 18', 'Lead 27')`);
    await rows(`UPDATE leads SET status = 'in_progress' WHERE name = 'Lead 13'`);
    await rows(`UPDATE leads SET created_at = timestamptz '2026-03-08 23:59:59.5+00', first_response_at = timestamptz '2026-03-09 00:00:31+00' WHERE name = 'Lead 50'`);
    // Writer runs: one model for most, another for every fifth lead, one recorded after its revision.
    await rows(`
      INSERT INTO agent_runs (lead_id, agent, strategy, provider, model, latency_ms, status, created_at)
      SELECT id, 'proposal-writer', 'direct', 'openai', CASE WHEN n % 5 = 0 THEN 'gpt-b' ELSE 'gpt-a' END, 100, 'succeeded', created_at + interval '10 minutes'
        FROM (SELECT id, created_at, row_number() OVER (ORDER BY created_at, id) AS n FROM leads WHERE status IN ('in_progress', 'won')) l
       WHERE n % 6 <> 0`);
    // Revision 1 for the leads in progress or won, pending 20 to 140 minutes after capture.
    await rows(`
      INSERT INTO proposals (lead_id, revision, language, title, body, total, pricing_model, status, prompt_version, created_at)
      SELECT id, 1, 'en', 'P', 'B', 1000 + (row_number() OVER (ORDER BY id)) * 10, 'fixed_price', 'pending_approval',
             (ARRAY['proposal-writer/v2', 'proposal-writer/v3', NULL])[1 + (row_number() OVER (ORDER BY id)) % 3],
             created_at + make_interval(mins => 20 + (row_number() OVER (ORDER BY id))::int % 120)
        FROM leads WHERE status IN ('in_progress', 'won')`);
    await rows(`
      INSERT INTO agent_runs (lead_id, agent, strategy, provider, model, latency_ms, status, created_at)
      SELECT lead_id, 'reviser', 'direct', 'gemini', 'late', 100, 'succeeded', created_at - interval '1 minute'
        FROM proposals ORDER BY created_at LIMIT 3`);
    // Every third revision is rejected and written again; decisions on revision 2 are recorded
    // before those on revision 1 (out of order), with times in order.
    const rejected = await rows(`SELECT id, lead_id, created_at FROM proposals WHERE revision = 1 ORDER BY created_at`);
    const again = rejected.filter((_, index) => index % 3 === 0);
    for (const proposal of again) {
      await rows(`UPDATE proposals SET status = 'rejected' WHERE id = $1`, [proposal.id]);
      await rows(
        `INSERT INTO proposals (lead_id, revision, language, title, body, total, pricing_model, status, prompt_version, created_at)
         VALUES ($1, 2, 'en', 'P2', 'B2', 2000, 'fixed_price', 'pending_approval', 'proposal-writer/v3', $2::timestamptz + interval '3 hours')`,
        [proposal.lead_id, proposal.created_at],
      );
    }
    const second = await rows(`SELECT id, created_at FROM proposals WHERE revision = 2 ORDER BY created_at`);
    for (const [index, proposal] of second.entries()) {
      if (index % 2 === 0) await rows(`UPDATE proposals SET status = 'approved' WHERE id = $1`, [proposal.id]);
      await rows(`INSERT INTO approval_decisions (proposal_id, decision, decided_by, channel, created_at) VALUES ($1, $2, 'api-key:a', 'graphql', $3::timestamptz + interval '1 hour')`, [
        proposal.id,
        index % 2 === 0 ? 'approved' : 'rejected',
        proposal.created_at,
      ]);
    }
    for (const proposal of again) {
      await rows(`INSERT INTO approval_decisions (proposal_id, decision, decided_by, channel, created_at) VALUES ($1, 'rejected', 'api-key:b', 'graphql', $2::timestamptz + interval '30 minutes')`, [
        proposal.id,
        proposal.created_at,
      ]);
    }
    // GraphQL operations counted per minute (as the API processes record them), some on the minute of midnight.
    await rows(`
      INSERT INTO graphql_operation_counts (minute, operation, requests, errors)
      SELECT timestamptz '2026-03-06 00:00:00+00' + make_interval(mins => m * 37), op, 1 + m % 5, CASE WHEN m % 4 = 0 THEN 1 ELSE 0 END
        FROM generate_series(0, 200) AS m, unnest(ARRAY['Kpis', 'SubmitLead']) AS op`);
    await rows(`UPDATE graphql_operation_counts SET requests = requests + 2, errors = errors + 1 WHERE minute = timestamptz '2026-03-07 00:00:00+00' + interval '0 minutes' OR operation = 'Kpis' AND minute < '2026-03-06 06:00:00+00'`);
    // The won leads' only revision is approved, sent and accepted (status changes at "now").
    const won = await rows(`SELECT p.id FROM proposals p JOIN leads l ON l.id = p.lead_id WHERE l.status = 'won' AND p.status = 'pending_approval' AND NOT EXISTS (SELECT 1 FROM approval_decisions d WHERE d.proposal_id = p.id)`);
    for (const proposal of won) {
      await rows(`INSERT INTO approval_decisions (proposal_id, decision, decided_by, channel, created_at) SELECT id, 'approved', 'api-key:a', 'graphql', created_at + interval '5 minutes' FROM proposals WHERE id = $1`, [proposal.id]);
      for (const status of ['approved', 'sent', 'accepted']) await rows(`UPDATE proposals SET status = $2, sent_at = coalesce(sent_at, now()) WHERE id = $1`, [proposal.id, status]);
    }
  }

  const kpis = async (from: string, to: string) => {
    const response = await graphql(
      server.graphqlUrl,
      `query ($from: DateTime, $to: DateTime) { kpis(from: $from, to: $to) {
        responseTime { leads count medianSeconds p95Seconds withinTargetRate }
        proposalGeneration { leads count medianSeconds p95Seconds withinTargetRate }
        conversion { leads leadsWithProposal leadsWithSentProposal leadsWon }
        daily { day leads responseMedianSeconds leadsWithProposal proposalsSent deals }
        byPromptVersion { name proposals decided approvalRate firstDecisions firstTimeApprovalRate outcomes winRate }
        byModel { name proposals decided approvalRate firstDecisions firstTimeApprovalRate outcomes winRate }
        reliability { graphqlOperations failedGraphqlOperations }
      } }`,
      { key: server.keys[Role.VIEWER], variables: { from, to } },
    );
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    return response.data!.kpis;
  };

  /** Every figure written plainly over leads, proposals, decisions, runs and status changes. */
  async function expected(from: string, to: string) {
    const cutoff = new Date(Date.now() - 120_000);
    const [response] = await rows(
      `SELECT count(*)::int AS leads, count(first_response_at)::int AS count,
              percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at)) AS p,
              count(*) FILTER (WHERE extract(epoch FROM first_response_at - created_at) <= 120)::int AS within,
              count(*) FILTER (WHERE first_response_at IS NOT NULL OR created_at <= $3)::int AS judged
         FROM leads WHERE created_at >= $1 AND created_at < $2 AND status <> 'spam'`,
      [from, to, cutoff],
    );
    const [generation] = await rows(
      `WITH g AS (
         SELECT extract(epoch FROM (SELECT min(changed_at) FROM status_changes s WHERE s.lead_id = l.id AND s.subject = 'proposal' AND s.to_status = 'pending_approval') - l.created_at) AS seconds
           FROM leads l WHERE l.created_at >= $1 AND l.created_at < $2 AND l.status NOT IN ('spam', 'disqualified'))
       SELECT count(*)::int AS leads, count(seconds)::int AS count, percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY seconds) AS p,
              count(*) FILTER (WHERE seconds <= 3600)::int AS within FROM g`,
      [from, to],
    );
    const [conversion] = await rows(
      `WITH c AS (
         SELECT l.status,
                EXISTS (SELECT 1 FROM status_changes s WHERE s.lead_id = l.id AND s.subject = 'proposal' AND s.to_status IN ('pending_approval', 'sent')) AS proposed,
                EXISTS (SELECT 1 FROM status_changes s WHERE s.lead_id = l.id AND s.subject = 'proposal' AND s.to_status = 'sent') AS sent
           FROM leads l WHERE l.created_at >= $1 AND l.created_at < $2 AND l.status <> 'spam')
       SELECT count(*)::int AS leads, count(*) FILTER (WHERE proposed)::int AS proposed, count(*) FILTER (WHERE sent)::int AS sent,
              count(*) FILTER (WHERE sent AND status = 'won')::int AS won FROM c`,
      [from, to],
    );
    const daily = await rows(
      `WITH days AS (
         SELECT generate_series(date_trunc('day', $1::timestamptz AT TIME ZONE 'UTC'), $2::timestamptz AT TIME ZONE 'UTC', interval '1 day') AS day)
       SELECT d.day AT TIME ZONE 'UTC' AS day,
              (SELECT count(*)::int FROM leads l WHERE date_trunc('day', l.created_at AT TIME ZONE 'UTC') = d.day AND l.created_at >= $1 AND l.created_at < $2 AND l.status <> 'spam') AS leads,
              (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM l.first_response_at - l.created_at)) FROM leads l
                WHERE date_trunc('day', l.created_at AT TIME ZONE 'UTC') = d.day AND l.created_at >= $1 AND l.created_at < $2 AND l.status <> 'spam') AS median,
              (SELECT count(*)::int FROM leads l WHERE date_trunc('day', l.created_at AT TIME ZONE 'UTC') = d.day AND l.created_at >= $1 AND l.created_at < $2 AND l.status <> 'spam'
                  AND EXISTS (SELECT 1 FROM status_changes s WHERE s.lead_id = l.id AND s.subject = 'proposal' AND s.to_status IN ('pending_approval', 'sent'))) AS proposed,
              (SELECT count(*)::int FROM status_changes s WHERE s.subject = 'proposal' AND s.to_status = 'sent' AND date_trunc('day', s.changed_at AT TIME ZONE 'UTC') = d.day AND s.changed_at >= $1 AND s.changed_at < $2) AS sent,
              (SELECT count(*)::int FROM status_changes s WHERE s.subject = 'proposal' AND s.to_status = 'accepted' AND date_trunc('day', s.changed_at AT TIME ZONE 'UTC') = d.day AND s.changed_at >= $1 AND s.changed_at < $2) AS deals
         FROM days d WHERE d.day < $2::timestamptz AT TIME ZONE 'UTC' ORDER BY d.day`,
      [from, to],
    );
    const experiments = async (group: string) =>
      rows(
        `WITH w AS (
           SELECT p.*, ${group} AS name, d.decision, d.id AS decision_id, d.created_at AS decided_at FROM proposals p LEFT JOIN approval_decisions d ON d.proposal_id = p.id
            WHERE p.created_at >= $1 AND p.created_at < $2),
         firsts AS (
           SELECT DISTINCT ON (p.lead_id) d.id FROM approval_decisions d JOIN proposals p ON p.id = d.proposal_id ORDER BY p.lead_id, d.created_at, d.id)
         SELECT name, count(*)::int AS proposals, count(decision)::int AS decided, count(*) FILTER (WHERE decision = 'approved')::int AS approved,
                count(*) FILTER (WHERE decision_id IN (SELECT id FROM firsts))::int AS first_decisions,
                count(*) FILTER (WHERE decision_id IN (SELECT id FROM firsts) AND decision = 'approved')::int AS first_approved,
                count(*) FILTER (WHERE status IN ('accepted', 'declined', 'expired'))::int AS outcomes, count(*) FILTER (WHERE status = 'accepted')::int AS won
           FROM w GROUP BY name ORDER BY proposals DESC, name`,
        [from, to],
      );
    const model = `coalesce((SELECT r.provider || '/' || r.model FROM agent_runs r WHERE r.lead_id = p.lead_id AND r.agent IN ('proposal-writer', 'reviser') AND r.status = 'succeeded' AND r.created_at <= p.created_at ORDER BY r.created_at DESC LIMIT 1), '(none)')`;
    const [operations] = await rows(
      `SELECT coalesce(sum(requests), 0)::int AS requests, coalesce(sum(errors), 0)::int AS errors FROM graphql_operation_counts
        WHERE minute >= date_trunc('minute', $1::timestamptz) AND minute < $2`,
      [from, to],
    );
    const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
    const group = (row: any) => ({
      name: row.name,
      proposals: row.proposals,
      decided: row.decided,
      approvalRate: rate(row.approved, row.decided),
      firstDecisions: row.first_decisions,
      firstTimeApprovalRate: rate(row.first_approved, row.first_decisions),
      outcomes: row.outcomes,
      winRate: rate(row.won, row.outcomes),
    });
    const seconds = (value: unknown) => (value === null || value === undefined ? null : Number(value));
    return {
      responseTime: {
        leads: response.leads,
        count: response.count,
        medianSeconds: seconds(response.p?.[0]),
        p95Seconds: seconds(response.p?.[1]),
        withinTargetRate: rate(response.within, response.judged),
      },
      proposalGeneration: {
        leads: generation.leads,
        count: generation.count,
        medianSeconds: seconds(generation.p?.[0]),
        p95Seconds: seconds(generation.p?.[1]),
        withinTargetRate: rate(generation.within, generation.count),
      },
      conversion: { leads: conversion.leads, leadsWithProposal: conversion.proposed, leadsWithSentProposal: conversion.sent, leadsWon: conversion.won },
      daily: daily.map((row) => ({
        day: new Date(row.day).toISOString(),
        leads: row.leads,
        responseMedianSeconds: seconds(row.median),
        leadsWithProposal: row.proposed,
        proposalsSent: row.sent,
        deals: row.deals,
      })),
      byPromptVersion: (await experiments(`coalesce(p.prompt_version, '(none)')`)).map(group),
      byModel: (await experiments(model)).map(group),
      reliability: { graphqlOperations: operations.requests, failedGraphqlOperations: operations.errors },
    };
  }

  /** Exact to the last bit would hold too; a float's last digit is not what this spec is about. */
  function assertSame(actual: unknown, wanted: unknown, path = ''): void {
    if (typeof wanted === 'number' && typeof actual === 'number') {
      assert.ok(Math.abs(actual - wanted) <= 1e-9 * Math.max(1, Math.abs(wanted)), `${path}: ${actual} ≠ ${wanted}`);
    } else if (wanted !== null && typeof wanted === 'object') {
      assert.equal(typeof actual, 'object', `${path}: ${JSON.stringify(actual)}`);
      assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(wanted).sort(), path);
      for (const [key, value] of Object.entries(wanted)) assertSame((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    } else {
      assert.deepEqual(actual, wanted, path);
    }
  }

  const periods: [string, string, string][] = [
    ['whole seeded days', '2026-03-06T00:00:00Z', '2026-03-11T00:00:00Z'],
    ['partial days at both ends, crossing midnight', '2026-03-06T22:00:00.000Z', '2026-03-09T00:00:00.500Z'],
    ['a few hours inside one day', '2026-03-07T03:15:00Z', '2026-03-07T09:45:00Z'],
    ['across the DST change of the session zone', '2026-03-08T02:00:00Z', '2026-03-08T06:00:00Z'],
    ['ending on a lead captured a millisecond before midnight', '2026-03-07T12:00:00Z', '2026-03-07T23:59:59.999Z'],
    ['empty: no leads at all', '2026-02-01T00:00:00Z', '2026-02-03T12:00:00Z'],
    ['a year up to now, with the sent and accepted proposals of today', new Date(Date.now() - 365 * 86_400_000).toISOString(), new Date(Date.now() + 3_600_000).toISOString()],
  ];
  for (const [name, from, to] of periods) {
    it(`gives the plain definitions' figures: ${name}`, async () => {
      const [actual, wanted]: [any, any] = [await kpis(from, to), await expected(from, to)];
      // This spec's own requests are counted too, every few seconds: only the seeded past is fixed.
      if (new Date(to) > new Date('2026-03-11T00:00:00Z')) [actual.reliability, wanted.reliability] = [null, null];
      assertSame(actual, wanted);
    });
  }

  it('has seeded the cases it claims to cover', async () => {
    const [counts] = await rows(`
      SELECT (SELECT count(*) FROM leads WHERE status = 'spam')::int AS spam,
             (SELECT count(*) FROM leads WHERE first_response_at IS NULL)::int AS unanswered,
             (SELECT count(*) FROM proposals WHERE revision = 2)::int AS revisions,
             (SELECT count(*) FROM proposals WHERE status = 'accepted')::int AS accepted,
             (SELECT count(DISTINCT coalesce(prompt_version, '')) FROM proposals)::int AS versions,
             (SELECT count(*) FROM lead_kpi_days WHERE measure = 'response')::int AS buckets,
             (SELECT count(*) FROM graphql_operation_hours WHERE hour < '2026-03-11')::int AS hours`);
    assert.ok(counts.spam > 10 && counts.unanswered > 10 && counts.revisions > 20 && counts.accepted > 10 && counts.versions === 3 && counts.buckets > 20 && counts.hours > 50, JSON.stringify(counts));
  });
});
