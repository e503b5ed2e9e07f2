import type { View } from '@slack/types';
import { OutboundStatus, ProposalStatus } from '../entities/enums.js';
import { ACTION, VIEW } from './action-ids.js';
import type { BotContext } from './bot-context.js';
import { loadCardSubject, type CardSubject } from './card-subject.js';
import { loadFollowUpSubject } from './follow-up-card-kind.js';
import { followUpAlreadyDecidedText, followUpModal, followUpRejectModal, type FollowUpSubject } from './follow-up-card.js';
import type { DecisionResult } from './leadpilot-api.client.js';
import { alreadyDecidedText, proposalModal, rejectModal } from './proposal-card.js';

/**
 * What the Approve, Reject, feedback and View listeners need to know of one kind of card: the
 * listeners are the same for proposals and follow-ups (one decision each, through the API as the
 * clicking user), only the ids, texts and API calls differ.
 */
export interface Decidable<Subject> {
  /** For answers: "Could not approve the <noun>". */
  noun: string;
  actions: { approve: string; reject: string; view: string };
  rejectView: string;
  /** The key of the subject's id in the reject modal's private metadata. */
  metadataKey: 'proposalId' | 'outboundMessageId';
  load(context: BotContext, id: string): Promise<Subject | null>;
  isOpen(subject: Subject): boolean;
  alreadyDecidedText(subject: Subject): string;
  viewModal(subject: Subject, context: BotContext): View;
  rejectModal(subject: Subject, channel: string | null): View;
  approve(context: BotContext, id: string, slackUserId: string): Promise<DecisionResult>;
  reject(context: BotContext, id: string, slackUserId: string, feedback: string): Promise<DecisionResult>;
}

export const proposalDecidable: Decidable<CardSubject> = {
  noun: 'proposal',
  actions: { approve: ACTION.approve, reject: ACTION.reject, view: ACTION.view },
  rejectView: VIEW.rejectFeedback,
  metadataKey: 'proposalId',
  load: (context, id) => loadCardSubject(context.dataSource, id),
  isOpen: (subject) => subject.proposal.status === ProposalStatus.PENDING_APPROVAL,
  alreadyDecidedText,
  viewModal: (subject, context) => proposalModal(subject, { publicUrl: context.publicUrl }),
  rejectModal: (subject, channel) => rejectModal(subject, { proposalId: subject.proposal.id, channel }),
  approve: (context, id, user) => context.api.approve(id, user),
  reject: (context, id, user, feedback) => context.api.reject(id, user, feedback),
};

export const followUpDecidable: Decidable<FollowUpSubject> = {
  noun: 'follow-up',
  actions: { approve: ACTION.followUpApprove, reject: ACTION.followUpReject, view: ACTION.followUpView },
  rejectView: VIEW.followUpRejectFeedback,
  metadataKey: 'outboundMessageId',
  load: (context, id) => loadFollowUpSubject(context.dataSource, id, context.followUpOffsetsMs),
  isOpen: (subject) => subject.message.status === OutboundStatus.AWAITING_APPROVAL,
  alreadyDecidedText: followUpAlreadyDecidedText,
  viewModal: (subject) => followUpModal(subject),
  rejectModal: (subject, channel) => followUpRejectModal(subject, { outboundMessageId: subject.message.id, channel }),
  approve: (context, id, user) => context.api.approveOutboundMessage(id, user),
  reject: (context, id, user, feedback) => context.api.rejectOutboundMessage(id, user, feedback),
};
