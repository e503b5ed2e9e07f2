import type { DataSource } from 'typeorm';
import { ApprovalDecision } from '../entities/approval-decision.entity.js';
import { OutboundStatus } from '../entities/enums.js';
import { Lead } from '../entities/lead.entity.js';
import { OutboundMessage } from '../entities/outbound-message.entity.js';
import { Proposal } from '../entities/proposal.entity.js';
import type { CardKind } from './card-kind.js';
import { followUpCard, followUpReminderText, type FollowUpSubject } from './follow-up-card.js';

/** A follow-up and what its card shows; null when it is not a follow-up of a lead. */
export async function loadFollowUpSubject(dataSource: DataSource, id: string, offsetsMs: readonly number[]): Promise<FollowUpSubject | null> {
  const message = await dataSource.getRepository(OutboundMessage).findOneBy({ id });
  if (!message || message.kind !== 'follow_up' || !message.leadId) return null;
  const lead = await dataSource.getRepository(Lead).findOneBy({ id: message.leadId });
  if (!lead) return null;
  const proposal = message.proposalId ? await dataSource.getRepository(Proposal).findOneBy({ id: message.proposalId }) : null;
  const decision = await dataSource.getRepository(ApprovalDecision).findOneBy({ outboundMessageId: id });
  const given = message.payload['followUpNumber'];
  const number = typeof given === 'number' && Number.isInteger(given) && given > 0 ? given : null;
  return { message, lead, proposal, decision, number, of: offsetsMs.length, offsetMs: number !== null ? (offsetsMs[number - 1] ?? null) : null };
}

/** Follow-ups waiting for approval: in the thread of their proposal's card, or the channel when it has none. */
export function followUpCardKind(offsetsMs: readonly number[]): CardKind<FollowUpSubject> {
  return {
    kind: 'follow_up',
    load: (dataSource, id) => loadFollowUpSubject(dataSource, id, offsetsMs),
    leadId: (subject) => subject.lead.id,
    isOpen: (subject) => subject.message.status === OutboundStatus.AWAITING_APPROVAL,
    // An outbound message has no version: its status is all that changes what the card shows.
    shownState: (subject) => ({ status: subject.message.status, version: 0 }),
    render: (subject) => followUpCard(subject),
    placement: async (subject, deps) => {
      const proposalCard = subject.message.proposalId ? await deps.posts.find({ kind: 'proposal', id: subject.message.proposalId }) : null;
      if (!proposalCard?.ts) return { channel: deps.channel, threadTs: null };
      return { channel: proposalCard.channel, threadTs: proposalCard.threadTs ?? proposalCard.ts };
    },
    metadataPayload: (subject) => ({ outbound_message_id: subject.message.id }),
    // Written with available_at = the domain clock's now; nothing moves it while it waits.
    reminder: (subject) => ({ since: subject.message.availableAt, text: followUpReminderText(subject) }),
  };
}
