import type { DataSource } from 'typeorm';
import type { Clock } from '../lib/clock.js';

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

export class HeadlineKpiService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async today(): Promise<HeadlineKpis> {
    const now = this.clock.now();
    const since = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    const [row] = (await this.dataSource.query(
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
}
