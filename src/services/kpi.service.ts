import type { DataSource } from 'typeorm';
import { AppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { REVISE_PROPOSAL_AGENT } from '../agents/revise-proposal.agent.js';
import { WRITE_PROPOSAL_AGENT } from '../agents/write-proposal.agent.js';
import { KPI_TARGETS } from './kpi-targets.js';

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
    const [row] = (await this.dataSource.query(
      `WITH cohort AS (
         SELECT extract(epoch FROM first_response_at - captured_at) AS seconds, captured_at
           FROM lead_kpi_facts
          WHERE captured_at >= $1 AND captured_at < $2 AND status <> 'spam'
       )
       SELECT count(*) AS leads,
              count(seconds) AS answered,
              percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY seconds) AS percentiles,
              count(*) FILTER (WHERE seconds <= $3) AS within,
              count(*) FILTER (WHERE seconds IS NOT NULL OR captured_at <= $4) AS judged
         FROM cohort`,
      // Leads captured before this moment have had their 2 minutes (computed here, not per row).
      [from, to, KPI_TARGETS.responseSeconds, new Date(this.clock.now().getTime() - KPI_TARGETS.responseSeconds * 1000)],
    )) as Row[];
    return {
      leads: number(row!.leads),
      count: number(row!.answered),
      ...percentiles(row!.percentiles),
      withinTargetRate: rate(number(row!.within), number(row!.judged)),
      mailTransportConfigured: this.options.mailTransportConfigured,
    };
  }

  async proposalGeneration({ from, to }: KpiPeriod): Promise<ProposalGenerationFigures> {
    const [row] = (await this.dataSource.query(
      `WITH cohort AS (
         SELECT extract(epoch FROM first_pending_at - captured_at) AS seconds
           FROM lead_kpi_facts
          WHERE captured_at >= $1 AND captured_at < $2 AND status NOT IN ('spam', 'disqualified')
       )
       SELECT count(*) AS leads, count(seconds) AS generated,
              percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY seconds) AS percentiles,
              count(*) FILTER (WHERE seconds <= $3) AS within
         FROM cohort`,
      [from, to, KPI_TARGETS.proposalGenerationSeconds],
    )) as Row[];
    const generated = number(row!.generated);
    return {
      leads: number(row!.leads),
      count: generated,
      ...percentiles(row!.percentiles),
      withinTargetRate: rate(number(row!.within), generated),
    };
  }

  async approvalLatency({ from, to }: KpiPeriod): Promise<ApprovalLatencyFigures> {
    const rows = (await this.dataSource.query(
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
    const dayStart = new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS);
    const dayEnd = new Date(Math.max(Math.floor(to.getTime() / DAY_MS) * DAY_MS, dayStart.getTime()));
    const rows = (await this.dataSource.query(
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
    const [row] = (await this.dataSource.query(
      `WITH cohort AS (
         SELECT first_pending_at IS NOT NULL OR sent AS proposed, sent, status = 'won' AS won
           FROM lead_kpi_facts
          WHERE captured_at >= $1 AND captured_at < $2 AND status <> 'spam'
       ), deals AS (
         SELECT count(*) AS deals, coalesce(sum(p.total), 0) AS total, avg(p.total) AS average
           FROM status_changes s JOIN proposals p ON p.id = s.subject_id
          WHERE s.subject = 'proposal' AND s.to_status = 'accepted' AND s.changed_at >= $1 AND s.changed_at < $2
       ), counts AS (
         SELECT count(*) AS leads, count(*) FILTER (WHERE proposed) AS proposed, count(*) FILTER (WHERE sent) AS sent, count(*) FILTER (WHERE sent AND won) AS won
           FROM cohort
       )
       SELECT counts.*, deals.deals, deals.total, deals.average,
              (SELECT coalesce(sum(total), 0) FROM proposals WHERE status IN ('pending_approval', 'sent')) AS pipeline
         FROM counts, deals`,
      [from, to],
    )) as Row[];
    const leads = number(row!.leads);
    const proposed = number(row!.proposed);
    const sent = number(row!.sent);
    const won = number(row!.won);
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
    const rows = (await this.dataSource.query(
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
         SELECT coalesce(sum(requests), 0) AS requests, coalesce(sum(errors), 0) AS errors
           FROM graphql_operation_counts WHERE minute >= date_trunc('minute', $1::timestamptz) AND minute < $2
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

  /** Proposals written in the period, grouped by the prompt version or the model that wrote them. */
  async experiments({ from, to }: KpiPeriod, by: 'promptVersion' | 'model'): Promise<ExperimentGroup[]> {
    // The model of a revision: the last successful writer or reviser run for its lead before it was written.
    const group =
      by === 'promptVersion'
        ? `coalesce(p.prompt_version, '(none)')`
        : `coalesce((SELECT r.provider || '/' || r.model FROM agent_runs r
                      WHERE r.lead_id = p.lead_id AND r.agent IN ('${WRITE_PROPOSAL_AGENT.agent}', '${REVISE_PROPOSAL_AGENT.agent}')
                        AND r.status = 'succeeded' AND r.created_at <= p.created_at
                      ORDER BY r.created_at DESC LIMIT 1), '(none)')`;
    const rows = (await this.dataSource.query(
      `WITH written AS (
         SELECT p.id, p.lead_id, p.status, ${group} AS name
           FROM proposals p WHERE p.created_at >= $1 AND p.created_at < $2
       ), decisions AS (
         SELECT d.proposal_id, d.decision,
                row_number() OVER (PARTITION BY w.lead_id ORDER BY d.created_at, d.id) AS nth
           FROM approval_decisions d JOIN written w ON w.id = d.proposal_id
       )
       SELECT w.name,
              count(*) AS proposals,
              count(d.proposal_id) AS decided,
              count(*) FILTER (WHERE d.decision = 'approved') AS approved,
              count(*) FILTER (WHERE d.nth = 1) AS first_decisions,
              count(*) FILTER (WHERE d.nth = 1 AND d.decision = 'approved') AS first_approved,
              count(*) FILTER (WHERE w.status IN ('accepted', 'declined', 'expired')) AS outcomes,
              count(*) FILTER (WHERE w.status = 'accepted') AS won
         FROM written w LEFT JOIN decisions d ON d.proposal_id = w.id
        GROUP BY w.name
        ORDER BY proposals DESC, w.name`,
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
    const rows = (await this.dataSource.query(
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
    return rows.map((row) => ({
      day: new Date(row.day as string | Date),
      leads: number(row.leads),
      responseMedianSeconds: nullableNumber(row.median),
      leadsWithProposal: number(row.proposed),
      leadToProposalRate: rate(number(row.proposed), number(row.leads)),
      proposalsSent: number(row.sent),
      deals: number(row.deals),
    }));
  }
}
