import type { DataSource } from 'typeorm';
import { AppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { KPI_TARGETS } from './kpi-targets.js';
import { planPercentiles } from './kpi-percentiles.js';
import { plannedEachTime } from '../database/entity-rows.js';

/** The period every figure is computed over: [from, to). */
export interface KpiPeriod {
  readonly from: Date;
  readonly to: Date;
}

export interface DurationFigures {
  readonly count: number;
  readonly medianSeconds: number | null;
  readonly p95Seconds: number | null;
}

export interface ResponseTimeFigures extends DurationFigures {
  readonly leads: number;
  readonly withinTargetRate: number | null;
  readonly mailTransportConfigured: boolean;
}

export interface ProposalGenerationFigures extends DurationFigures {
  readonly leads: number;
  readonly withinTargetRate: number | null;
}

export interface ApproverLatency extends DurationFigures {
  readonly approver: string;
}

export interface ApprovalLatencyFigures extends DurationFigures {
  readonly byApprover: ApproverLatency[];
}

export interface StageTime {
  readonly subject: 'lead' | 'proposal';
  readonly stage: string;
  readonly completed: number;
  readonly current: number;
  readonly averageSeconds: number | null;
}

export interface ConversionFigures {
  readonly leads: number;
  readonly leadsWithProposal: number;
  readonly leadToProposalRate: number | null;
  readonly leadsWithSentProposal: number;
  readonly leadsWon: number;
  readonly proposalToContractRate: number | null;
  readonly deals: number;
  readonly totalDealSize: number;
  readonly averageDealSize: number | null;
  readonly pipelineValue: number;
}

export interface ProviderFigures {
  readonly provider: string;
  readonly attempts: number;
  readonly successRate: number | null;
  readonly firstChoiceRuns: number;
  readonly fallbackRate: number | null;
}

export interface ReliabilityFigures {
  readonly graphqlOperations: number;
  readonly failedGraphqlOperations: number;
  readonly agentRuns: number;
  readonly failedAgentRuns: number;
  readonly apiErrorRate: number | null;
  readonly llmCost: number;
  readonly providers: ProviderFigures[];
}

export interface ExperimentGroup {
  readonly name: string;
  readonly proposals: number;
  readonly decided: number;
  readonly approvalRate: number | null;
  readonly firstDecisions: number;
  readonly firstTimeApprovalRate: number | null;
  readonly outcomes: number;
  readonly winRate: number | null;
}

export interface KpiDay {
  readonly day: Date;
  readonly leads: number;
  readonly responseMedianSeconds: number | null;
  readonly leadsWithProposal: number;
  readonly leadToProposalRate: number | null;
  readonly proposalsSent: number;
  readonly deals: number;
}

const DEFAULT_PERIOD_DAYS = 30;
const MAX_PERIOD_DAYS = 800;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

type Row = Record<string, unknown>;
const number = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const nullableNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const rate = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
/** percentile_cont(ARRAY[0.5, 0.95]) → median and p95 (null without values). */
const percentiles = (value: unknown): { medianSeconds: number | null; p95Seconds: number | null } => {
  const values = Array.isArray(value) ? value : [];
  return { medianSeconds: nullableNumber(values[0]), p95Seconds: nullableNumber(values[1]) };
};

/** The UTC days wholly inside a period, [start, end) (empty when start = end). */
interface WholeDays {
  readonly start: Date;
  readonly end: Date;
}
const wholeDays = (from: Date, to: Date): WholeDays => {
  const start = Math.ceil(from.getTime() / DAY_MS) * DAY_MS;
  return { start: new Date(start), end: new Date(Math.max(Math.floor(to.getTime() / DAY_MS) * DAY_MS, start)) };
};

/** The lead durations counted per day in buckets: their fact columns and the leads they are taken over. */
type LeadDuration = 'response' | 'generation';
const LEAD_DURATIONS: Record<LeadDuration, { readonly column: string; readonly cohort: string }> = {
  response: { column: 'response', cohort: `status <> 'spam'` },
  generation: { column: 'generation', cohort: `status NOT IN ('spam', 'disqualified')` },
};

/**
 * The agency's numbers, each computed by one SQL statement over the period, so the GraphQL layer
 * runs only the groups a query asks for. Leads are counted by capture time (cohorts), decisions
 * and deals by when they happened. Figures read `status_changes`, which triggers keep for every
 * lead and proposal status change.
 */
export class KpiService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly options: { readonly mailTransportConfigured: boolean },
  ) {}

  /** Period queries: planned for their period every time, never prepared (see plannedEachTime). */
  private readonly analytics = plannedEachTime(this.dataSource);

  readonly targets = KPI_TARGETS;

  /** [from, to), by default the last 30 days up to now. */
  period(from?: Date | null, to?: Date | null): KpiPeriod {
    const end = to ?? this.clock.now();
    const start = from ?? new Date(end.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw new AppError('BAD_USER_INPUT', 'from and to must be valid dates.', { field: 'from' });
    if (start >= end) throw new AppError('BAD_USER_INPUT', 'from must be before to.', { field: 'from' });
    if (end.getTime() - start.getTime() > MAX_PERIOD_DAYS * DAY_MS) throw new AppError('BAD_USER_INPUT', `The period may span at most ${MAX_PERIOD_DAYS} days.`, { field: 'from' });
    return { from: start, to: end };
  }

  async responseTime({ from, to }: KpiPeriod): Promise<ResponseTimeFigures> {
    // Leads captured before this moment have had their 2 minutes; the daily sums serve only whole
    // days before it, so every lead they count is judged.
    const cutoff = new Date(this.clock.now().getTime() - KPI_TARGETS.responseSeconds * 1000);
    const days = wholeDays(from, new Date(Math.min(to.getTime(), cutoff.getTime())));
    const counts = await this.leadCounts({ from, to }, days, ['leads', 'response'], cutoff);
    const histogram = counts.buckets('response');
    const [percentilesOf, within] = await Promise.all([
      this.durationPercentiles('response', { from, to }, histogram),
      this.durationWithin('response', { from, to }, histogram, KPI_TARGETS.responseSeconds),
    ]);
    return {
      leads: counts.total('leads'),
      count: counts.total('response'),
      ...percentilesOf,
      withinTargetRate: rate(within, counts.total('leads') - counts.edgeTotal('leads') + counts.edgeTotal('judged')),
      mailTransportConfigured: this.options.mailTransportConfigured,
    };
  }

  async proposalGeneration({ from, to }: KpiPeriod): Promise<ProposalGenerationFigures> {
    const counts = await this.leadCounts({ from, to }, wholeDays(from, to), ['generation_leads', 'generation']);
    const histogram = counts.buckets('generation');
    const [percentilesOf, within] = await Promise.all([
      this.durationPercentiles('generation', { from, to }, histogram),
      this.durationWithin('generation', { from, to }, histogram, KPI_TARGETS.proposalGenerationSeconds),
    ]);
    const generated = counts.total('generation');
    return { leads: counts.total('generation_leads'), count: generated, ...percentilesOf, withinTargetRate: rate(within, generated) };
  }

  /**
   * The per-lead counts of the period (see lead_kpi_contributions in SQL): whole UTC days from
   * lead_kpi_days, the partial days at either end from the facts themselves. 'judged' (answered or
   * captured before `cutoff`) is counted for the ends only.
   */
  private async leadCounts({ from, to }: KpiPeriod, days: WholeDays, measures: readonly string[], cutoff: Date = to) {
    const rows = (await this.analytics.query(
      `SELECT measure, bucket, edge, sum(n) AS n FROM (
         SELECT measure, bucket, count AS n, false AS edge FROM lead_kpi_days WHERE measure = ANY($5) AND day >= $3 AND day < $4
         UNION ALL
         SELECT c.measure, c.bucket, 1, true
           FROM lead_kpi_facts f, lead_kpi_contributions(f) c
          WHERE f.captured_at >= $1 AND f.captured_at < $2 AND (f.captured_at < $3 OR f.captured_at >= $4) AND c.measure = ANY($5)
         UNION ALL
         SELECT 'judged', -1, 1, true FROM lead_kpi_facts
          WHERE captured_at >= $1 AND captured_at < $2 AND (captured_at < $3 OR captured_at >= $4) AND status <> 'spam'
            AND (first_response_at IS NOT NULL OR captured_at <= $6)
       ) counted GROUP BY measure, bucket, edge`,
      [from, to, days.start, days.end, measures, cutoff],
    )) as Row[];
    const sum = (measure: string, edgeOnly: boolean) =>
      rows.filter((row) => row.measure === measure && (!edgeOnly || row.edge === true)).reduce((total, row) => total + number(row.n), 0);
    return {
      total: (measure: string) => sum(measure, false),
      edgeTotal: (measure: string) => sum(measure, true),
      buckets: (measure: string): [number, number][] => {
        const byBucket = new Map<number, number>();
        for (const row of rows) if (row.measure === measure) byBucket.set(number(row.bucket), (byBucket.get(number(row.bucket)) ?? 0) + number(row.n));
        return [...byBucket];
      },
    };
  }

  /** Exact median and p95 of a lead duration over the period, from its bucket counts. */
  private async durationPercentiles(duration: LeadDuration, { from, to }: KpiPeriod, histogram: [number, number][]) {
    const plan = planPercentiles(new Map([['period', histogram]]), [0.5, 0.95]);
    const values = await this.readBucketValues(duration, plan.lookups.map((lookup) => ({ ...lookup, from, to })));
    const [medianSeconds = null, p95Seconds = null] = plan.assemble(values).get('period')!;
    return { medianSeconds, p95Seconds };
  }

  /** How many of the period's durations are at most `seconds`: whole buckets below it, then its own bucket read. */
  private async durationWithin(duration: LeadDuration, { from, to }: KpiPeriod, histogram: [number, number][], seconds: number): Promise<number> {
    const { column, cohort } = LEAD_DURATIONS[duration];
    const [row] = (await this.analytics.query(
      `SELECT kpi_bucket($3) AS bucket,
              (SELECT count(*) FROM lead_kpi_facts WHERE ${column}_bucket = kpi_bucket($3) AND captured_at >= $1 AND captured_at < $2 AND ${cohort} AND ${column}_seconds <= $3) AS within`,
      [from, to, seconds],
    )) as Row[];
    const target = number(row!.bucket);
    return histogram.filter(([bucket]) => bucket < target).reduce((sum, [, count]) => sum + count, 0) + number(row!.within);
  }

  /** The values the lookups ask for, each the (skip + 1)-th smallest of its bucket within its own range, in one statement. */
  private async readBucketValues(duration: LeadDuration, lookups: readonly { bucket: number; skip: number; from: Date; to: Date }[]): Promise<number[]> {
    if (lookups.length === 0) return [];
    const { column, cohort } = LEAD_DURATIONS[duration];
    const rows = (await this.analytics.query(
      `SELECT k.i, v.seconds
         FROM unnest($1::int[], $2::int[], $3::timestamptz[], $4::timestamptz[]) WITH ORDINALITY AS k(bucket, skip, starts, ends, i)
         CROSS JOIN LATERAL (
           SELECT ${column}_seconds AS seconds FROM lead_kpi_facts
            WHERE ${column}_bucket = k.bucket AND captured_at >= k.starts AND captured_at < k.ends AND ${cohort}
            ORDER BY ${column}_seconds OFFSET k.skip LIMIT 1
         ) v
        ORDER BY k.i`,
      [lookups.map((l) => l.bucket), lookups.map((l) => l.skip), lookups.map((l) => l.from), lookups.map((l) => l.to)],
    )) as Row[];
    if (rows.length !== lookups.length) throw new Error(`KPI buckets and facts disagree: ${rows.length} of ${lookups.length} values found`);
    return rows.map((row) => Number(row.seconds));
  }

  async approvalLatency({ from, to }: KpiPeriod): Promise<ApprovalLatencyFigures> {
    const rows = (await this.analytics.query(
      `SELECT decided_by, GROUPING(decided_by) AS overall, count(*) AS count,
              percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - pending_at)) AS percentiles
         FROM approval_kpi_facts
        WHERE decided_at >= $1 AND decided_at < $2
        GROUP BY GROUPING SETS ((), (decided_by))
        ORDER BY overall DESC, count DESC, decided_by`,
      [from, to],
    )) as Row[];
    const figures = (row: Row | undefined): DurationFigures => ({ count: number(row?.count), ...percentiles(row?.percentiles) });
    const overall = rows.find((row) => number(row.overall) === 1);
    return {
      ...figures(overall),
      byApprover: rows.filter((row) => number(row.overall) === 0).map((row) => ({ approver: String(row.decided_by), ...figures(row) })),
    };
  }

  async stageTimes({ from, to }: KpiPeriod): Promise<StageTime[]> {
    // Whole days from the daily sums, the partial days at either end from the status changes.
    const { start: dayStart, end: dayEnd } = wholeDays(from, to);
    const rows = (await this.analytics.query(
      `WITH sums AS (
         SELECT subject, stage, entered, completed, completed_seconds FROM stage_days WHERE day >= $3 AND day < $4
         UNION ALL
         SELECT subject, to_status, count(*), count(left_at), coalesce(sum(extract(epoch FROM left_at - changed_at)), 0)
           FROM status_changes
          WHERE changed_at >= $1 AND changed_at < $2 AND (changed_at < $3 OR changed_at >= $4)
          GROUP BY 1, 2
       )
       SELECT subject, stage, sum(entered) AS entered, sum(completed) AS completed, sum(completed_seconds) AS seconds
         FROM sums GROUP BY subject, stage
        ORDER BY subject, stage`,
      [from, to, dayStart, dayEnd],
    )) as Row[];
    return rows.map((row) => ({
      subject: row.subject as 'lead' | 'proposal',
      stage: String(row.stage),
      completed: number(row.completed),
      current: number(row.entered) - number(row.completed),
      averageSeconds: number(row.completed) > 0 ? number(row.seconds) / number(row.completed) : null,
    }));
  }

  async conversion({ from, to }: KpiPeriod): Promise<ConversionFigures> {
    const [counts, [row]] = await Promise.all([
      this.leadCounts({ from, to }, wholeDays(from, to), ['leads', 'proposed', 'sent', 'won']),
      this.analytics.query(
        `SELECT deals.*, (SELECT coalesce(sum(total), 0) FROM proposals WHERE status IN ('pending_approval', 'sent')) AS pipeline
           FROM (SELECT count(*) AS deals, coalesce(sum(p.total), 0) AS total, avg(p.total) AS average
                   FROM status_changes s JOIN proposals p ON p.id = s.subject_id
                  WHERE s.subject = 'proposal' AND s.to_status = 'accepted' AND s.changed_at >= $1 AND s.changed_at < $2) deals`,
        [from, to],
      ) as Promise<Row[]>,
    ]);
    const leads = counts.total('leads');
    const proposed = counts.total('proposed');
    const sent = counts.total('sent');
    const won = counts.total('won');
    return {
      leads,
      leadsWithProposal: proposed,
      leadToProposalRate: rate(proposed, leads),
      leadsWithSentProposal: sent,
      leadsWon: won,
      proposalToContractRate: rate(won, sent),
      deals: number(row!.deals),
      totalDealSize: number(row!.total),
      averageDealSize: nullableNumber(row!.average),
      pipelineValue: number(row!.pipeline),
    };
  }

  async reliability({ from, to }: KpiPeriod): Promise<ReliabilityFigures> {
    // Whole hours from the hourly sums, the partial hours at either end from the runs themselves.
    const hourStart = new Date(Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS);
    const hourEnd = new Date(Math.max(Math.floor(to.getTime() / HOUR_MS) * HOUR_MS, hourStart.getTime()));
    const rows = (await this.analytics.query(
      `WITH edge_runs AS (
         SELECT provider, status, cost, attempts FROM agent_runs
          WHERE created_at >= $1 AND created_at < $2 AND (created_at < $3 OR created_at >= $4)
       ), sums AS (
         SELECT provider, runs, failed_runs, cost, attempts, succeeded_attempts, first_choice_runs, fallbacks
           FROM agent_run_hours WHERE hour >= $3 AND hour < $4
         UNION ALL
         SELECT '', count(*), count(*) FILTER (WHERE status = 'failed'), coalesce(sum(cost), 0), 0, 0, 0, 0 FROM edge_runs
         UNION ALL
         SELECT a->>'provider', 0, 0, 0, count(*), count(*) FILTER (WHERE a->>'errorClass' IS NULL),
                count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n = 1 AND r.provider IS NOT NULL AND r.provider <> a->>'provider')
           FROM edge_runs r, jsonb_array_elements(r.attempts) WITH ORDINALITY AS e(a, n) GROUP BY 1
       ), operations AS (
         SELECT coalesce(sum(requests), 0) AS requests, coalesce(sum(errors), 0) AS errors FROM (
           SELECT requests, errors FROM graphql_operation_hours WHERE hour >= $3 AND hour < $4
           UNION ALL
           SELECT requests, errors FROM graphql_operation_counts
            WHERE minute >= date_trunc('minute', $1::timestamptz) AND minute < $2 AND (minute < $3 OR minute >= $4)
         ) counted
       )
       SELECT provider, sum(runs) AS runs, sum(failed_runs) AS failed_runs, sum(cost) AS cost, sum(attempts) AS attempts,
              sum(succeeded_attempts) AS succeeded, sum(first_choice_runs) AS first_choice, sum(fallbacks) AS fell_back,
              (SELECT requests FROM operations) AS operations, (SELECT errors FROM operations) AS failed_operations
         FROM sums GROUP BY provider
        UNION ALL
       SELECT NULL, 0, 0, 0, 0, 0, 0, 0, requests, errors FROM operations
        ORDER BY attempts DESC, provider`,
      [from, to, hourStart, hourEnd],
    )) as Row[];
    const totals = rows.find((row) => row.provider === null)!;
    const runTotals = rows.find((row) => row.provider === '');
    const providers = rows.filter((row) => row.provider !== null && row.provider !== '' && number(row.attempts) > 0);
    const operations = number(totals!.operations);
    const failedOperations = number(totals!.failed_operations);
    const runs = number(runTotals?.runs);
    const failedRuns = number(runTotals?.failed_runs);
    return {
      graphqlOperations: operations,
      failedGraphqlOperations: failedOperations,
      agentRuns: runs,
      failedAgentRuns: failedRuns,
      apiErrorRate: rate(failedOperations + failedRuns, operations + runs),
      llmCost: number(runTotals?.cost),
      providers: providers.map((row) => ({
        provider: String(row.provider),
        attempts: number(row.attempts),
        successRate: rate(number(row.succeeded), number(row.attempts)),
        firstChoiceRuns: number(row.first_choice),
        fallbackRate: rate(number(row.fell_back), number(row.first_choice)),
      })),
    };
  }

  /** Proposals written in the period, grouped by the prompt version or the model that wrote them (proposal_kpi_facts, kept by triggers). */
  async experiments({ from, to }: KpiPeriod, by: 'promptVersion' | 'model'): Promise<ExperimentGroup[]> {
    const rows = (await this.analytics.query(
      `SELECT ${by === 'promptVersion' ? 'prompt_version' : 'model'} AS name,
              count(*) AS proposals,
              count(decision) AS decided,
              count(*) FILTER (WHERE decision = 'approved') AS approved,
              count(*) FILTER (WHERE first_decision) AS first_decisions,
              count(*) FILTER (WHERE first_decision AND decision = 'approved') AS first_approved,
              count(*) FILTER (WHERE status IN ('accepted', 'declined', 'expired')) AS outcomes,
              count(*) FILTER (WHERE status = 'accepted') AS won
         FROM proposal_kpi_facts
        WHERE created_at >= $1 AND created_at < $2
        GROUP BY 1
        ORDER BY proposals DESC, name`,
      [from, to],
    )) as Row[];
    return rows.map((row) => ({
      name: String(row.name),
      proposals: number(row.proposals),
      decided: number(row.decided),
      approvalRate: rate(number(row.approved), number(row.decided)),
      firstDecisions: number(row.first_decisions),
      firstTimeApprovalRate: rate(number(row.first_approved), number(row.first_decisions)),
      outcomes: number(row.outcomes),
      winRate: rate(number(row.won), number(row.outcomes)),
    }));
  }

  /** Day by day (UTC) for the charts: volume, response time and conversion of each day's leads. */
  async daily({ from, to }: KpiPeriod): Promise<KpiDay[]> {
    const days = wholeDays(from, to);
    const firstEnd = new Date(Math.min(days.start.getTime(), to.getTime()));
    const lastStart = new Date(Math.max(days.end.getTime(), from.getTime()));
    const parts = await Promise.all([
      from < firstEnd ? this.dailyFromFacts(from, firstEnd) : [],
      days.start < days.end ? this.dailyFromRollups(days) : [],
      lastStart < to && lastStart >= firstEnd ? this.dailyFromFacts(lastStart, to) : [],
    ]);
    return parts.flat();
  }

  /**
   * Whole days from the daily sums: lead counts from lead_kpi_days, sent and accepted proposals
   * from stage_days, each day's exact median response time from its buckets (the bucket holding
   * the middle rank, then that bucket's values of that day, read through the index).
   */
  private async dailyFromRollups({ start, end }: WholeDays): Promise<KpiDay[]> {
    const rows = (await this.analytics.query(
      `WITH days AS (
         SELECT generate_series($1::timestamptz, $2::timestamptz - interval '24 hours', interval '24 hours') AS day
       ), counts AS (
         SELECT day, sum(count) FILTER (WHERE measure = 'leads') AS leads, sum(count) FILTER (WHERE measure = 'proposed') AS proposed
           FROM lead_kpi_days WHERE measure IN ('leads', 'proposed') AND day >= $1 AND day < $2 GROUP BY day
       ), outcomes AS (
         SELECT day, sum(entered) FILTER (WHERE stage = 'sent') AS sent, sum(entered) FILTER (WHERE stage = 'accepted') AS deals
           FROM stage_days WHERE subject = 'proposal' AND stage IN ('sent', 'accepted') AND day >= $1 AND day < $2 GROUP BY day
       ), buckets AS (
         SELECT day, bucket, count, sum(count) OVER (PARTITION BY day ORDER BY bucket) - count AS before, sum(count) OVER (PARTITION BY day) AS n
           FROM lead_kpi_days WHERE measure = 'response' AND day >= $1 AND day < $2
       ), middles AS (
         -- percentile_cont(0.5): the rows floor and ceil of 0.5 (n - 1), 0-based, and the weight between them.
         SELECT DISTINCT day, 0.5::float8 * (n - 1) AS position FROM buckets
       ), reads AS (
         SELECT m.day, m.position, r.which, v.seconds
           FROM middles m
          CROSS JOIN LATERAL (VALUES (0, floor(m.position)::bigint), (1, ceil(m.position)::bigint)) AS r(which, row)
           JOIN buckets b ON b.day = m.day AND r.row >= b.before AND r.row < b.before + b.count
          CROSS JOIN LATERAL (
            SELECT response_seconds AS seconds FROM lead_kpi_facts
             WHERE response_bucket = b.bucket AND captured_at >= m.day AND captured_at < m.day + interval '24 hours' AND status <> 'spam'
             ORDER BY response_seconds OFFSET r.row - b.before LIMIT 1
          ) v
       ), medians AS (
         SELECT day, lo.seconds + (hi.seconds - lo.seconds) * (lo.position - floor(lo.position)) AS median
           FROM reads lo JOIN reads hi USING (day) WHERE lo.which = 0 AND hi.which = 1
       )
       SELECT days.day, coalesce(c.leads, 0) AS leads, m.median, coalesce(c.proposed, 0) AS proposed, coalesce(o.sent, 0) AS sent, coalesce(o.deals, 0) AS deals
         FROM days LEFT JOIN counts c USING (day) LEFT JOIN outcomes o USING (day) LEFT JOIN medians m USING (day)
        ORDER BY days.day`,
      [start, end],
    )) as Row[];
    return rows.map(kpiDay);
  }

  /** The same from the facts and status changes themselves, for the partial days at either end of a period. */
  private async dailyFromFacts(from: Date, to: Date): Promise<KpiDay[]> {
    const rows = (await this.analytics.query(
      `WITH days AS (
         SELECT generate_series(date_trunc('day', $1::timestamptz AT TIME ZONE 'UTC'), $2::timestamptz AT TIME ZONE 'UTC', interval '1 day') AS day
       ), leads_by_day AS (
         SELECT date_trunc('day', captured_at AT TIME ZONE 'UTC') AS day, count(*) AS leads,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - captured_at)) AS median,
                count(*) FILTER (WHERE first_pending_at IS NOT NULL OR sent) AS proposed
           FROM lead_kpi_facts
          WHERE captured_at >= $1 AND captured_at < $2 AND status <> 'spam'
          GROUP BY 1
       ), outcomes_by_day AS (
         SELECT date_trunc('day', changed_at AT TIME ZONE 'UTC') AS day,
                count(*) FILTER (WHERE to_status = 'sent') AS sent, count(*) FILTER (WHERE to_status = 'accepted') AS deals
           FROM status_changes
          WHERE subject = 'proposal' AND to_status IN ('sent', 'accepted') AND changed_at >= $1 AND changed_at < $2
          GROUP BY 1
       )
       SELECT days.day AT TIME ZONE 'UTC' AS day, coalesce(l.leads, 0) AS leads, l.median, coalesce(l.proposed, 0) AS proposed,
              coalesce(o.sent, 0) AS sent, coalesce(o.deals, 0) AS deals
         FROM days LEFT JOIN leads_by_day l USING (day) LEFT JOIN outcomes_by_day o USING (day)
        WHERE days.day < $2::timestamptz AT TIME ZONE 'UTC'
        ORDER BY days.day`,
      [from, to],
    )) as Row[];
    return rows.map(kpiDay);
  }
}

const kpiDay = (row: Row): KpiDay => ({
  day: new Date(row.day as string | Date),
  leads: number(row.leads),
  responseMedianSeconds: nullableNumber(row.median),
  leadsWithProposal: number(row.proposed),
  leadToProposalRate: rate(number(row.proposed), number(row.leads)),
  proposalsSent: number(row.sent),
  deals: number(row.deals),
});
