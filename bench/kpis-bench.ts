import type pg from 'pg';
import { graphqlRequest, type BenchInstance } from './instance.js';
import { percentile } from './stats.js';

/** The KPI groups, each asked alone, then all together as the dashboard asks. */
const GROUPS: Record<string, string> = {
  responseTime: 'responseTime { count medianSeconds p95Seconds withinTargetRate }',
  proposalGeneration: 'proposalGeneration { count medianSeconds p95Seconds withinTargetRate }',
  approvalLatency: 'approvalLatency { count medianSeconds p95Seconds byApprover { approver count medianSeconds } }',
  stageTimes: 'stageTimes { subject stage completed current averageSeconds }',
  conversion: 'conversion { leads leadToProposalRate proposalToContractRate deals averageDealSize pipelineValue }',
  reliability: 'reliability { graphqlOperations apiErrorRate llmCost providers { provider successRate fallbackRate } }',
  byPromptVersion: 'byPromptVersion { name proposals approvalRate firstTimeApprovalRate winRate }',
  byModel: 'byModel { name proposals approvalRate winRate }',
  daily: 'daily { day leads responseMedianSeconds leadToProposalRate }',
};
/** What the dashboard's overview asks for (its tiles), over a year instead of 30 days. */
const HEADLINE = ['responseTime', 'proposalGeneration', 'approvalLatency', 'conversion', 'reliability'];

export interface KpiTiming {
  readonly selection: string;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

export interface KpiBenchResult {
  readonly leads: number;
  readonly rows: Record<string, number>;
  readonly seedMs: number;
  readonly timings: KpiTiming[];
}

const YEAR_DAYS = 365;
const BASELINE = 'baseline: kpis { from to } (no KPI SQL)';

/**
 * Seeds a year of history with SQL (generate_series) into the instance's fresh database, then
 * times `kpis(from, to)` over that year through GraphQL over HTTP: each group alone, the
 * dashboard's headline groups, and everything. Triggers are off while seeding, so the status
 * history is written in one statement with realistic times instead of "now".
 */
export async function measureKpis(instance: BenchInstance, leads: number, runs = 15): Promise<KpiBenchResult> {
  const started = performance.now();
  await seedKpiHistory(instance.pool, leads);
  const seedMs = performance.now() - started;
  const rows: Record<string, number> = {};
  for (const table of ['leads', 'proposals', 'approval_decisions', 'status_changes', 'agent_runs', 'agent_run_hours', 'graphql_operation_counts']) {
    const result = await instance.pool.query(`SELECT count(*)::int AS n FROM ${table}`);
    rows[table] = result.rows[0].n;
  }

  const to = new Date();
  const from = new Date(to.getTime() - YEAR_DAYS * 86_400_000);
  const time = async (selection: string): Promise<KpiTiming> => {
    const query = `query ($from: DateTime, $to: DateTime) { kpis(from: $from, to: $to) { ${selection} } }`;
    const variables = { from: from.toISOString(), to: to.toISOString() };
    for (let warm = 0; warm < 2; warm++) await graphqlRequest(instance.graphqlUrl, instance.apiKey, query, variables);
    const samples: number[] = [];
    for (let run = 0; run < runs; run++) {
      const begin = performance.now();
      await graphqlRequest(instance.graphqlUrl, instance.apiKey, query, variables);
      samples.push(performance.now() - begin);
    }
    return { selection, p50Ms: percentile(samples, 50), p95Ms: percentile(samples, 95) };
  };
  const timings: KpiTiming[] = [];
  // Same-run baseline: the same request path (HTTP, auth, GraphQL, the period) without any KPI SQL.
  timings.push({ ...(await time('from to')), selection: BASELINE });
  for (const [name, selection] of Object.entries(GROUPS)) timings.push({ ...(await time(selection)), selection: name });
  timings.push({ ...(await time(HEADLINE.map((name) => GROUPS[name]).join(' '))), selection: `headline (${HEADLINE.join(', ')})` });
  timings.push({ ...(await time(Object.values(GROUPS).join(' '))), selection: 'everything' });
  return { leads, rows, seedMs, timings };
}

export async function seedKpiHistory(pool: pg.Pool, leads: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Triggers off for this transaction: the history below is written with its own times.
    await client.query(`SET LOCAL session_replication_role = replica`);
    await client.query(
      `INSERT INTO leads (id, name, email, message, language, source, status, created_at, first_response_at)
       SELECT gen_random_uuid(), 'Lead ' || i, 'lead' || i || '@bench.example', 'We need software ' || i, 'en', 'api',
              CASE WHEN i % 20 = 0 THEN 'spam' WHEN i % 10 = 1 THEN 'disqualified' WHEN i % 10 < 8 THEN (ARRAY['awaiting_approval', 'sent', 'won', 'lost'])[1 + i % 4] ELSE 'in_progress' END,
              created, CASE WHEN i % 20 = 0 THEN NULL ELSE created + make_interval(secs => 20 + (i * 37) % 280) END
         FROM generate_series(1, $1::int) AS i, LATERAL (SELECT now() - make_interval(secs => ($2::float8 * 86400 * i) / $1::int)) AS t(created)`,
      [leads, YEAR_DAYS],
    );
    // A proposal for the leads that got one (70 %), pending 20 to 80 minutes after capture.
    await client.query(
      `INSERT INTO proposals (lead_id, revision, language, title, body, total, pricing_model, status, prompt_version, created_at)
       SELECT id, 1, 'en', 'Proposal', 'Body', 5000 + (abs(hashtext(id::text)) % 60000), 'fixed_price',
              CASE status WHEN 'awaiting_approval' THEN 'pending_approval' WHEN 'sent' THEN 'sent' WHEN 'won' THEN 'accepted' ELSE 'declined' END,
              (ARRAY['proposal-writer/v2', 'proposal-writer/v3', NULL])[1 + abs(hashtext(id::text)) % 3],
              created_at + make_interval(mins => 20 + abs(hashtext(id::text)) % 60)
         FROM leads WHERE status IN ('awaiting_approval', 'sent', 'won', 'lost')`,
    );
    await client.query(
      `INSERT INTO approval_decisions (proposal_id, decision, decided_by, channel, created_at)
       SELECT id, 'approved', 'slack:U' || (abs(hashtext(id::text)) % 5), 'slack', created_at + make_interval(mins => 10 + abs(hashtext(id::text)) % 400)
         FROM proposals WHERE status <> 'pending_approval'`,
    );
    // The status history: every lead's path, every proposal's path.
    await client.query(
      `INSERT INTO status_changes (subject, subject_id, lead_id, from_status, to_status, changed_at, left_at)
       SELECT 'lead', l.id, l.id, step.previous, step.status, l.created_at + step.after, l.created_at + step.until
         FROM leads l, LATERAL (VALUES
           (NULL, 'new', interval '0', interval '5 seconds'),
           ('new', 'qualifying', interval '5 seconds', interval '40 seconds'),
           ('qualifying', CASE WHEN l.status IN ('spam', 'disqualified') THEN l.status ELSE 'in_progress' END, interval '40 seconds', CASE WHEN l.status IN ('spam', 'disqualified', 'in_progress') THEN NULL ELSE interval '30 minutes' END)
         ) AS step(previous, status, after, until)
       UNION ALL
       SELECT 'lead', l.id, l.id, 'in_progress', 'awaiting_approval', l.created_at + interval '30 minutes', CASE WHEN l.status = 'awaiting_approval' THEN NULL ELSE l.created_at + interval '5 hours' END
         FROM leads l WHERE l.status IN ('awaiting_approval', 'sent', 'won', 'lost')
       UNION ALL
       SELECT 'lead', l.id, l.id, 'sent', l.status, l.created_at + interval '9 days', NULL
         FROM leads l WHERE l.status IN ('won', 'lost')`,
    );
    await client.query(
      `INSERT INTO status_changes (subject, subject_id, lead_id, from_status, to_status, changed_at, left_at)
       SELECT 'proposal', p.id, p.lead_id, NULL, 'pending_approval', p.created_at, d.created_at FROM proposals p LEFT JOIN approval_decisions d ON d.proposal_id = p.id
       UNION ALL
       SELECT 'proposal', p.id, p.lead_id, 'approved', 'sent', d.created_at + interval '2 minutes', CASE WHEN p.status = 'sent' THEN NULL ELSE d.created_at + interval '9 days' END
         FROM proposals p JOIN approval_decisions d ON d.proposal_id = p.id
       UNION ALL
       SELECT 'proposal', p.id, p.lead_id, 'sent', p.status, d.created_at + interval '9 days', NULL
         FROM proposals p JOIN approval_decisions d ON d.proposal_id = p.id WHERE p.status IN ('accepted', 'declined')`,
    );
    // Four agent runs per lead, one in fifty falling back from openai to gemini, one in two hundred failing.
    await client.query(
      `INSERT INTO agent_runs (lead_id, agent, strategy, provider, model, attempts, cost, latency_ms, status, created_at)
       SELECT l.id, (ARRAY['qualification', 'proposal-writer', 'reviewer', 'responder'])[n], 'direct',
              CASE WHEN k % 200 = 0 THEN NULL WHEN k % 50 = 0 THEN 'gemini' ELSE 'openai' END,
              CASE WHEN k % 200 = 0 THEN NULL WHEN k % 50 = 0 THEN 'gemini-2.5-flash' ELSE 'gpt-4.1-mini' END,
              CASE WHEN k % 200 = 0 THEN '[{"provider":"openai","model":"gpt-4.1-mini","errorClass":"timeout","message":null,"latencyMs":30000}]'::jsonb
                   WHEN k % 50 = 0 THEN '[{"provider":"openai","model":"gpt-4.1-mini","errorClass":"server","message":null,"latencyMs":900},{"provider":"gemini","model":"gemini-2.5-flash","errorClass":null,"message":null,"latencyMs":1200}]'::jsonb
                   ELSE '[{"provider":"openai","model":"gpt-4.1-mini","errorClass":null,"message":null,"latencyMs":1500}]'::jsonb END,
              0.002, 1500, CASE WHEN k % 200 = 0 THEN 'failed' ELSE 'succeeded' END, l.created_at + make_interval(secs => n * 30)
         FROM (SELECT id, created_at, row_number() OVER () AS r FROM leads) l, generate_series(1, 4) AS n, LATERAL (SELECT l.r * 4 + n) AS x(k)`,
    );
    // What the triggers would have kept: the per-lead facts and the hourly agent-run sums.
    await client.query(
      `INSERT INTO lead_kpi_facts (lead_id, captured_at, status, first_response_at, first_pending_at, sent)
       SELECT l.id, l.created_at, l.status, l.first_response_at, m.pending, coalesce(m.sent, false)
         FROM leads l LEFT JOIN (
           SELECT lead_id, min(changed_at) FILTER (WHERE to_status = 'pending_approval') AS pending, bool_or(to_status = 'sent') AS sent
             FROM status_changes WHERE subject = 'proposal' GROUP BY lead_id
         ) m ON m.lead_id = l.id`,
    );
    await client.query(`SELECT rebuild_lead_kpi_days()`);
    await client.query(`SELECT rebuild_proposal_kpi_facts()`);
    await client.query(
      `INSERT INTO agent_run_hours (hour, provider, runs, failed_runs, cost, attempts, succeeded_attempts, first_choice_runs, fallbacks)
       SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', '', count(*), count(*) FILTER (WHERE status = 'failed'), sum(cost), 0, 0, 0, 0
         FROM agent_runs GROUP BY 1
       UNION ALL
       SELECT date_trunc('hour', r.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', a->>'provider', 0, 0, 0, count(*), count(*) FILTER (WHERE a->>'errorClass' IS NULL),
              count(*) FILTER (WHERE ordinality = 1), count(*) FILTER (WHERE ordinality = 1 AND r.provider IS NOT NULL AND r.provider <> a->>'provider')
         FROM agent_runs r, jsonb_array_elements(r.attempts) WITH ORDINALITY AS e(a, ordinality) GROUP BY 1, 2`,
    );
    await client.query(
      `INSERT INTO approval_kpi_facts (decision_id, decided_at, decided_by, pending_at)
       SELECT d.id, d.created_at, d.decided_by, max(s.changed_at)
         FROM approval_decisions d JOIN status_changes s ON s.subject_id = d.proposal_id AND s.to_status = 'pending_approval' AND s.changed_at <= d.created_at
        GROUP BY d.id`,
    );
    await client.query(
      `INSERT INTO stage_days (day, subject, stage, entered, completed, completed_seconds)
       SELECT date_trunc('day', changed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', subject, to_status, count(*), count(left_at), coalesce(sum(extract(epoch FROM left_at - changed_at)), 0)
         FROM status_changes GROUP BY 1, 2, 3`,
    );
    // GraphQL operations: three operation names every ten minutes of the year.
    await client.query(
      `INSERT INTO graphql_operation_counts (minute, operation, requests, errors)
       SELECT date_trunc('minute', now()) - make_interval(mins => m * 10), op, 20 + m % 7, CASE WHEN m % 97 = 0 THEN 1 ELSE 0 END
         FROM generate_series(0, $1::int * 144) AS m, unnest(ARRAY['Kpis', 'ApprovalQueue', 'SubmitLead']) AS op`,
      [YEAR_DAYS],
    );
    await client.query(`SELECT rebuild_graphql_operation_hours()`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
  // A database in steady state: statistics current, visibility maps set (index-only scans), no autovacuum racing the timings.
  await pool.query('VACUUM ANALYZE');
}

export function formatKpiBench(result: KpiBenchResult): string {
  const baseline = result.timings.find((timing) => timing.selection === BASELINE)?.p50Ms ?? 0;
  const lines = [
    `KPIs over one year: ${result.leads.toLocaleString('en')} leads seeded in ${(result.seedMs / 1000).toFixed(1)} s (${Object.entries(result.rows).map(([table, n]) => `${table} ${n.toLocaleString('en')}`).join(', ')}); kpis(from, to) over GraphQL/HTTP, ${'p50 / p95'} of 15 runs after 2 warm-ups:`,
    '',
    '| selection | p50 ms | p95 ms | p50 over baseline ms |',
    '|---|---:|---:|---:|',
    ...result.timings.map((timing) => `| ${timing.selection} | ${timing.p50Ms.toFixed(1)} | ${timing.p95Ms.toFixed(1)} | ${(timing.p50Ms - baseline).toFixed(1)} |`),
  ];
  return lines.join('\n');
}
