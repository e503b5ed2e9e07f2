import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AgencyConfig } from '../agents/agency-config.js';
import { returnedRows } from '../database/query-rows.js';
import { Language } from '../entities/enums.js';
import type { Clock } from '../lib/clock.js';
import { writeEmail, type DeliveryQueue, type MailSettings } from './outbox.js';
import { renderApproverNotice, type PendingProposalSummary } from './templates/approver-notice.template.js';

/**
 * Proposals that became pending within this window of the oldest one not yet announced go out
 * together, as one digest: a burst of twenty proposals is one e-mail, not twenty.
 */
export const APPROVER_DIGEST_WINDOW_MS = 60_000;

/**
 * Tells the approvers in APPROVER_EMAILS by e-mail that proposals await them. Each proposal is
 * announced once (proposals.approvers_notified_at, set by a conditional UPDATE in the transaction
 * that writes the mail), whoever runs the sweep and however often.
 */
export class ApproverNotices {
  constructor(
    private readonly dependencies: { dataSource: DataSource; settings: MailSettings; queue: DeliveryQueue | null; agency: AgencyConfig; clock: Clock },
  ) {}

  /** Writes one notice (or digest) when the oldest unannounced proposal has waited out the window; returns the proposals announced. */
  async writeDue(options: { windowMs?: number } = {}): Promise<number> {
    const { dataSource, settings, queue, agency, clock } = this.dependencies;
    if (settings.approverEmails.length === 0) return 0;
    const windowMs = options.windowMs ?? APPROVER_DIGEST_WINDOW_MS;
    const now = clock.now();
    const waiting = (await dataSource.query(
      `SELECT min(updated_at) AS oldest FROM proposals WHERE status = 'pending_approval' AND approvers_notified_at IS NULL`,
    )) as { oldest: Date | null }[];
    const oldest = waiting[0]?.oldest;
    if (!oldest || oldest.getTime() + windowMs > now.getTime()) return 0;
    return dataSource.transaction(async (manager) => {
      const claimed = returnedRows<{ id: string; title: string; company: string | null; total: string; currency: string; revision: number }>(
        (await manager.query(
          `UPDATE proposals p SET approvers_notified_at = $1
             FROM leads l
            WHERE l.id = p.lead_id AND p.status = 'pending_approval' AND p.approvers_notified_at IS NULL
            RETURNING p.id, p.title, l.company, p.total, p.currency, p.revision`,
          [now],
        )) as unknown,
      );
      if (claimed.length === 0) return 0;
      const proposals: PendingProposalSummary[] = claimed
        .map((row) => ({ id: row.id, title: row.title || '(untitled)', company: row.company, total: Number(row.total), currency: row.currency, revision: row.revision }))
        .sort((a, b) => a.id.localeCompare(b.id));
      const key = createHash('sha256').update(proposals.map((proposal) => proposal.id).join(',')).digest('hex').slice(0, 32);
      await writeEmail(manager, settings, queue, {
        kind: 'approver_notice',
        leadId: null,
        proposalId: proposals.length === 1 ? proposals[0]!.id : null,
        recipient: settings.approverEmails.join(', '),
        language: Language.EN,
        idempotencyKey: `approver-notice:${key}`,
        availableAt: now,
        unsubscribable: false,
        render: () => renderApproverNotice(proposals, settings.publicUrl, agency),
        details: { proposalIds: proposals.map((proposal) => proposal.id) },
      });
      return proposals.length;
    });
  }
}
