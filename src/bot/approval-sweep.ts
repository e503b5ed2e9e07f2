import type { DataSource } from 'typeorm';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import type { ProposalService } from '../services/proposal.service.js';

export interface ApprovalSweepDependencies {
  dataSource: DataSource;
  clock: Clock;
  proposals: Pick<ProposalService, 'expireApproval'>;
  approval: { reminderAfterMs: number; expiresAfterMs: number };
  /** Enqueues the card job of one proposal. */
  syncCard(proposalId: string): Promise<void>;
  logger: Logger;
}

export interface SweepResult {
  expired: string[];
  synced: string[];
}

/**
 * The reconciliation sweep, at start and periodically: what events may have missed (a restart,
 * a lost NOTIFY) is caught here, so no card, update, reminder or expiry depends on a timer or on
 * one process staying up. Expiry goes through the domain (ProposalService), never Slack alone.
 */
export async function sweepApprovals(deps: ApprovalSweepDependencies): Promise<SweepResult> {
  const now = deps.clock.now();
  const expiredBefore = new Date(now.getTime() - deps.approval.expiresAfterMs);
  const due = (await deps.dataSource.query(
    `SELECT id FROM proposals WHERE status = 'pending_approval' AND updated_at <= $1 ORDER BY updated_at, id`,
    [expiredBefore],
  )) as { id: string }[];
  const expired: string[] = [];
  for (const { id } of due) {
    if (await deps.proposals.expireApproval(id)) expired.push(id);
  }
  if (expired.length) deps.logger.info({ count: expired.length }, 'pending approvals expired');

  const remindBefore = new Date(now.getTime() - deps.approval.reminderAfterMs);
  // Oldest first, so a backlog is posted in the order the revisions started waiting.
  const stale = (await deps.dataSource.query(
    `SELECT p.id FROM proposals p LEFT JOIN slack_posts s ON s.proposal_id = p.id
      WHERE (p.status = 'pending_approval' AND (s.id IS NULL OR s.ts IS NULL OR (s.reminded_at IS NULL AND p.updated_at <= $1)))
         OR (s.id IS NOT NULL AND s.ts IS NULL AND p.status <> 'pending_approval')
         OR (s.ts IS NOT NULL AND (s.shown_version IS DISTINCT FROM p.version OR s.shown_status IS DISTINCT FROM p.status))
      ORDER BY p.updated_at, p.created_at, p.id`,
    [remindBefore],
  )) as { id: string }[];
  for (const { id } of stale) await deps.syncCard(id);
  // Slack retries a request within minutes (real time, not the domain clock): a day is plenty.
  await deps.dataSource.query(`DELETE FROM slack_interactions WHERE created_at < now() - interval '1 day'`);
  return { expired, synced: stale.map((row) => row.id) };
}
