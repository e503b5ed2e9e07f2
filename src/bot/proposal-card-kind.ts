import { ProposalStatus } from '../entities/enums.js';
import type { CardKind } from './card-kind.js';
import { loadCardSubject, type CardSubject } from './card-subject.js';
import { proposalCard, reminderText } from './proposal-card.js';

/** When a pending revision started waiting: nothing else writes a proposal while it is PENDING_APPROVAL. */
export const pendingSince = (subject: CardSubject) => subject.proposal.updatedAt;

/** Proposal revisions: a later revision goes in the thread of the earlier one's card. */
export const proposalCardKind: CardKind<CardSubject> = {
  kind: 'proposal',
  load: loadCardSubject,
  leadId: (subject) => subject.proposal.leadId,
  isOpen: (subject) => subject.proposal.status === ProposalStatus.PENDING_APPROVAL,
  shownState: (subject) => ({ status: subject.proposal.status, version: subject.proposal.version }),
  render: (subject, deps) => proposalCard(subject, { publicUrl: deps.publicUrl, expiresAt: new Date(pendingSince(subject).getTime() + deps.approval.expiresAfterMs) }),
  placement: async (subject, deps) => {
    const earlier = await deps.posts.earlierCard(subject.proposal.leadId, subject.proposal.revision);
    return { channel: earlier?.channel ?? deps.channel, threadTs: earlier ? (earlier.threadTs ?? earlier.ts) : null };
  },
  metadataPayload: (subject) => ({ proposal_id: subject.proposal.id }),
  reminder: (subject, deps) => {
    const since = pendingSince(subject);
    return { since, text: reminderText(subject, since, new Date(since.getTime() + deps.approval.expiresAfterMs)) };
  },
};
