import type { DataSource } from 'typeorm';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import type { ProposalService } from '../services/proposal.service.js';
import type { SlackSyncPayload } from './slack-jobs.js';

export interface ApprovalSweepDependencies {
  dataSource: DataSource;
  clock: Clock;
  proposals: Pick<ProposalService, 'expireApproval'>;
  approval: { reminderAfterMs: number; expiresAfterMs: number };
  /** Enqueues one `slack-sync` job (a card, or a digest). */
  enqueue(payload: SlackSyncPayload): Promise<void>;
  /** Claims today's digest when DIGEST_AT has passed; returns the day claimed, if this sweep did. */
  claimDigest(): Promise<string | null>;
  logger: Logger;
}

export interface SweepResult {
  expired: string[];
  synced: string[];
  /** Follow-ups whose cards were enqueued. */
  followUps: string[];
  /** The day whose digest this sweep claimed. */
  digest: string | null;
}

/** A digest claimed but not posted this long (its job gave up) is enqueued again. */
const DIGEST_RETRY_AFTER = '10 minutes';

/**
 * The reconciliation sweep, at start and periodically: what events may have missed (a restart,
 * a lost NOTIFY) is caught here, so no card, update, reminder, expiry or digest depends on a
 * timer or on one process staying up. Expiry goes through the domain (ProposalService), never
 * Slack alone.
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
  for (const { id } of stale) await deps.enqueue({ proposalId: id });

  // Follow-ups after the proposals, so a follow-up finds its proposal's card to reply under.
  const followUps = await staleFollowUps(deps.dataSource, remindBefore);
  for (const id of followUps) await deps.enqueue({ outboundMessageId: id });

  const digest = await deps.claimDigest();
  const unposted = (await deps.dataSource.query(
    `SELECT day::text AS day FROM slack_digests WHERE ts IS NULL AND updated_at < now() - interval '${DIGEST_RETRY_AFTER}' AND created_at > now() - interval '1 day' ORDER BY day`,
  )) as { day: string }[];
  for (const { day } of unposted) await deps.enqueue({ digestDay: day });

  // Slack retries a request within minutes (real time, not the domain clock): a day is plenty.
  await deps.dataSource.query(`DELETE FROM slack_interactions WHERE created_at < now() - interval '1 day'`);
  return { expired, synced: stale.map((row) => row.id), followUps, digest };
}

/**
 * Follow-ups whose card is missing, unconfirmed, due a reminder or showing an older status.
 * `leadId` narrows it to one lead (the listener of lead changes).
 */
export async function staleFollowUps(dataSource: DataSource, remindBefore: Date, leadId?: string): Promise<string[]> {
  const rows = (await dataSource.query(
    `SELECT m.id FROM outbound_messages m LEFT JOIN slack_posts s ON s.outbound_message_id = m.id
      WHERE m.kind = 'follow_up' AND m.lead_id IS NOT NULL AND ($2::uuid IS NULL OR m.lead_id = $2::uuid)
        AND ((m.status = 'awaiting_approval' AND (s.id IS NULL OR s.ts IS NULL OR (s.reminded_at IS NULL AND m.available_at <= $1)))
          OR (s.id IS NOT NULL AND s.ts IS NULL AND m.status <> 'awaiting_approval')
          OR (s.ts IS NOT NULL AND s.shown_status IS DISTINCT FROM m.status))
      ORDER BY m.created_at, m.id`,
    [remindBefore, leadId ?? null],
  )) as { id: string }[];
  return rows.map((row) => row.id);
}
