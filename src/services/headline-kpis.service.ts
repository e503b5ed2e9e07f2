import type { DataSource } from 'typeorm';
import type { KpiSnapshot } from '../agents/analyse-kpis.agent.js';
import type { Clock } from '../lib/clock.js';
import { plannedEachTime } from '../database/entity-rows.js';

/** Today's headline numbers (since midnight, server time zone). The KPI issue extends this. */
export interface HeadlineKpis {
  since: Date;
  leadsCaptured: number;
  proposalsPending: number;
  approved: number;
  rejected: number;
  /** Median from capture to the first reply, of today's leads that have one; null when none has. */
  medianFirstResponseMs: number | null;
}

/** One day's numbers for the daily digest: [from, to) in the server's time zone. */
export interface DayKpis {
  from: Date;
  to: Date;
  leadsCaptured: number;
  /** Of the day's leads, those qualification let through (not new, qualifying, disqualified, spam or failed). */
  qualified: number;
  proposalsSent: number;
  /** Decisions on proposal revisions made that day. */
  approved: number;
  rejected: number;
  medianFirstResponseMs: number | null;
  /** Proposals pending approval or sent at the end of the day, by currency. */
  pipelineValue: { currency: string; total: number }[];
  /** What the KPI analyst reads; what this small service does not measure is null (no data). */
  snapshot: KpiSnapshot;
}

export class HeadlineKpiService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Period queries: planned for their period every time, never prepared (see plannedEachTime). */
  private readonly analytics = plannedEachTime(this.dataSource);

  async today(): Promise<HeadlineKpis> {
    const now = this.clock.now();
    const since = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    const [row] = (await this.analytics.query(
      `SELECT
         (SELECT count(*) FROM leads WHERE created_at >= $1)::int AS "leadsCaptured",
         (SELECT count(*) FROM proposals WHERE status = 'pending_approval')::int AS "proposalsPending",
         (SELECT count(*) FROM approval_decisions WHERE proposal_id IS NOT NULL AND decision = 'approved' AND created_at >= $1)::int AS approved,
         (SELECT count(*) FROM approval_decisions WHERE proposal_id IS NOT NULL AND decision = 'rejected' AND created_at >= $1)::int AS rejected,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at) * 1000)
            FROM leads WHERE created_at >= $1 AND first_response_at IS NOT NULL) AS "medianFirstResponseMs"`,
      [since],
    )) as { leadsCaptured: number; proposalsPending: number; approved: number; rejected: number; medianFirstResponseMs: number | string | null }[];
    return { since, ...row!, medianFirstResponseMs: row!.medianFirstResponseMs === null ? null : Number(row!.medianFirstResponseMs) };
  }

  /**
   * The numbers of the day that starts at `day` (local midnight). Small on purpose: the KPI
   * service of the KPI issue answers the full set; the digest reads only this one function.
   */
  async forDay(day: Date): Promise<DayKpis> {
    const from = new Date(day.getFullYear(), day.getMonth(), day.getDate());
    const to = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1);
    const [row] = (await this.analytics.query(
      `WITH day_leads AS (SELECT id, status, created_at, first_response_at FROM leads WHERE created_at >= $1 AND created_at < $2)
       SELECT
         (SELECT count(*) FROM day_leads)::int AS "leadsCaptured",
         (SELECT count(*) FROM day_leads WHERE status NOT IN ('new', 'qualifying', 'disqualified', 'spam', 'failed'))::int AS qualified,
         (SELECT count(*) FROM day_leads d WHERE EXISTS (SELECT 1 FROM proposals p WHERE p.lead_id = d.id))::int AS "withProposal",
         (SELECT count(*) FROM proposals WHERE sent_at >= $1 AND sent_at < $2)::int AS "proposalsSent",
         (SELECT count(*) FROM approval_decisions WHERE proposal_id IS NOT NULL AND decision = 'approved' AND created_at >= $1 AND created_at < $2)::int AS approved,
         (SELECT count(*) FROM approval_decisions WHERE proposal_id IS NOT NULL AND decision = 'rejected' AND created_at >= $1 AND created_at < $2)::int AS rejected,
         (SELECT count(*) FROM day_leads WHERE first_response_at IS NOT NULL)::int AS responded,
         (SELECT count(*) FROM day_leads WHERE first_response_at IS NOT NULL AND first_response_at - created_at <= interval '2 minutes')::int AS "respondedWithin2Min",
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at) * 1000) FROM day_leads WHERE first_response_at IS NOT NULL) AS "medianMs",
         (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at) * 1000) FROM day_leads WHERE first_response_at IS NOT NULL) AS "p95Ms",
         (SELECT avg(total) FROM proposals WHERE sent_at >= $1 AND sent_at < $2) AS "averageDealSize",
         (SELECT coalesce(json_agg(json_build_object('currency', currency, 'total', total) ORDER BY currency), '[]'::json) FROM
            (SELECT currency, sum(total) AS total FROM proposals WHERE status IN ('pending_approval', 'sent') AND created_at < $2 GROUP BY currency) v) AS "pipelineValue"`,
      [from, to],
    )) as {
      leadsCaptured: number;
      qualified: number;
      withProposal: number;
      proposalsSent: number;
      approved: number;
      rejected: number;
      responded: number;
      respondedWithin2Min: number;
      medianMs: number | string | null;
      p95Ms: number | string | null;
      averageDealSize: number | string | null;
      pipelineValue: { currency: string; total: number | string }[];
    }[];
    const r = row!;
    const number = (value: number | string | null) => (value === null ? null : Number(value));
    const medianMs = number(r.medianMs);
    const p95Ms = number(r.p95Ms);
    return {
      from,
      to,
      leadsCaptured: r.leadsCaptured,
      qualified: r.qualified,
      proposalsSent: r.proposalsSent,
      approved: r.approved,
      rejected: r.rejected,
      medianFirstResponseMs: medianMs,
      pipelineValue: r.pipelineValue.map((value) => ({ currency: value.currency, total: Number(value.total) })),
      snapshot: {
        leadResponseMedianSeconds: medianMs === null ? null : medianMs / 1000,
        leadResponseP95Seconds: p95Ms === null ? null : p95Ms / 1000,
        shareRespondedWithin2Min: r.responded ? r.respondedWithin2Min / r.responded : null,
        proposalGenerationMedianSeconds: null,
        shareProposalWithin1h: null,
        leadToProposalConversion: r.leadsCaptured ? r.withProposal / r.leadsCaptured : null,
        proposalToContractConversion: null,
        averageDealSize: number(r.averageDealSize),
        apiErrorRate: null,
        llmCost: null,
        leadCount: r.leadsCaptured,
      },
    };
  }
}
