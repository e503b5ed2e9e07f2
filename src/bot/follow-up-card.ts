import type { KnownBlock } from '@slack/types';
import { DecisionKind, OutboundStatus } from '../entities/enums.js';
import type { ApprovalDecision } from '../entities/approval-decision.entity.js';
import type { Lead } from '../entities/lead.entity.js';
import type { OutboundMessage } from '../entities/outbound-message.entity.js';
import type { Proposal } from '../entities/proposal.entity.js';
import { ACTION, FEEDBACK_INPUT, VIEW } from './action-ids.js';
import type { SlackMessage } from './proposal-card.js';
import { chunkText, deciderText, escapeMrkdwn, money, SECTION_TEXT_LIMIT, slackDate, truncate } from './slack-text.js';

/** Everything a follow-up's card shows, read in one place. */
export interface FollowUpSubject {
  message: OutboundMessage;
  lead: Lead;
  proposal: Proposal | null;
  decision: ApprovalDecision | null;
  /** Which follow-up of the sequence (1-based), and how many FOLLOW_UP_OFFSETS there are. */
  number: number | null;
  of: number;
  /** Its offset from the proposal's sending, when known. */
  offsetMs: number | null;
}

/** Of the text, at most this much is on the card; View shows it whole. */
const TEXT_ON_CARD = 2_500;

export function followUpCard(subject: FollowUpSubject): SlackMessage {
  const { message, lead, proposal } = subject;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`Follow-up ${whichText(subject)} · ${lead.company ?? lead.name}`, 150), emoji: false } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Lead*\n${escapeMrkdwn(truncate(lead.name, 200))} (${escapeMrkdwn(truncate(lead.email, 200))})` },
        { type: 'mrkdwn', text: `*Company*\n${escapeMrkdwn(truncate(lead.company ?? '—', 200))}` },
        { type: 'mrkdwn', text: `*Follow-up*\n${whichText(subject)}${subject.offsetMs !== null ? ` · ${offsetText(subject.offsetMs)} after sending` : ''}` },
        { type: 'mrkdwn', text: `*Proposal*\n${proposal ? `${escapeMrkdwn(truncate(proposal.title, 150))} · ${money(proposal.total, proposal.currency)}` : '—'}` },
      ],
    },
  ];
  const text = textOf(message);
  if (text !== null) {
    blocks.push(section(`*Subject*: ${escapeMrkdwn(truncate(message.subject ?? '—', 300))}`));
    blocks.push(section(quote(truncate(escapeMrkdwn(text), TEXT_ON_CARD))));
  } else {
    blocks.push(section('_The text is no longer held (the lead was erased)._'));
  }
  if (message.status === OutboundStatus.AWAITING_APPROVAL) {
    blocks.push({
      type: 'actions',
      block_id: 'follow_up_actions',
      elements: [
        { type: 'button', action_id: ACTION.followUpApprove, style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: message.id },
        { type: 'button', action_id: ACTION.followUpReject, style: 'danger', text: { type: 'plain_text', text: 'Reject' }, value: message.id },
        { type: 'button', action_id: ACTION.followUpView, text: { type: 'plain_text', text: 'View' }, value: message.id },
      ],
    });
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: ':hourglass: Waiting for approval: nothing is sent until someone approves it.' }] });
  } else {
    blocks.push(section(followUpOutcomeText(subject)));
    if (text !== null) blocks.push({ type: 'actions', block_id: 'follow_up_view_only', elements: [{ type: 'button', action_id: ACTION.followUpView, text: { type: 'plain_text', text: 'View' }, value: message.id }] });
  }
  const notification = `${statusText(message.status)}: follow-up ${whichText(subject)} to ${escapeMrkdwn(truncate(lead.company ?? lead.name, 100))}`;
  return { text: notification, blocks };
}

/** What became of a follow-up that is no longer waiting: who decided and when, sent, or why not. */
export function followUpOutcomeText(subject: FollowUpSubject): string {
  const { message, decision } = subject;
  const lines: string[] = [];
  if (decision) lines.push(decisionLine(decision));
  if (decision?.feedback) lines.push(quote(escapeMrkdwn(truncate(decision.feedback, 1500))));
  switch (message.status) {
    case OutboundStatus.PENDING:
    case OutboundStatus.SENDING:
      lines.push(':outbox_tray: Queued for sending.');
      break;
    case OutboundStatus.SENT:
      lines.push(`:email: Sent${message.sentAt ? ` ${slackDate(message.sentAt)}` : ''}.`);
      break;
    case OutboundStatus.FAILED:
      lines.push(`:warning: Delivery failed: ${escapeMrkdwn(truncate(message.lastError ?? 'unknown error', 300))}`);
      break;
    case OutboundStatus.CANCELLED:
      if (decision?.decision !== DecisionKind.REJECTED) lines.push(`:no_entry_sign: *Cancelled*, ${escapeMrkdwn(truncate(message.lastError ?? 'not sent', 300))}. Nothing was sent.`);
      else lines.push('Not sent; the next follow-up comes at its offset.');
      break;
    default:
      lines.push(`Now ${statusText(message.status).toLowerCase()}.`);
  }
  return truncate(lines.join('\n'), SECTION_TEXT_LIMIT);
}

/** The answer to a click on a follow-up that is no longer waiting. */
export function followUpAlreadyDecidedText(subject: FollowUpSubject): string {
  const which = `Follow-up ${whichText(subject)} to ${escapeMrkdwn(truncate(subject.lead.company ?? subject.lead.name, 100))}`;
  if (subject.decision) {
    const verb = subject.decision.decision === DecisionKind.APPROVED ? 'approved' : 'rejected';
    return `${which} was already ${verb} by ${deciderText(subject.decision.decidedBy)} ${slackDate(subject.decision.createdAt)}. Nothing changed.`;
  }
  return `${which} is ${statusText(subject.message.status).toLowerCase()}${subject.message.lastError ? ` (${escapeMrkdwn(truncate(subject.message.lastError, 200))})` : ''}; it can no longer be decided. Nothing changed.`;
}

/** The View modal: subject and whole text. */
export function followUpModal(subject: FollowUpSubject) {
  const blocks: KnownBlock[] = [section(`*${escapeMrkdwn(truncate(subject.message.subject ?? '—', 500))}*\nTo ${escapeMrkdwn(truncate(subject.lead.name, 200))} · follow-up ${whichText(subject)} · ${statusText(subject.message.status)}`), { type: 'divider' }];
  const text = textOf(subject.message) ?? 'The text is no longer held.';
  const chunks = chunkText(escapeMrkdwn(text));
  for (const chunk of chunks.slice(0, 95)) blocks.push(section(chunk));
  return { type: 'modal' as const, title: { type: 'plain_text' as const, text: truncate(`Follow-up ${whichText(subject)}`, 24) }, close: { type: 'plain_text' as const, text: 'Close' }, blocks };
}

export interface FollowUpRejectMetadata {
  outboundMessageId: string;
  channel: string | null;
}

/** The Reject modal: feedback required; rejecting cancels this follow-up only. */
export function followUpRejectModal(subject: FollowUpSubject, metadata: FollowUpRejectMetadata) {
  return {
    type: 'modal' as const,
    callback_id: VIEW.followUpRejectFeedback,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text' as const, text: 'Reject follow-up' },
    submit: { type: 'plain_text' as const, text: 'Reject' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      section(`Follow-up ${whichText(subject)} to *${escapeMrkdwn(truncate(subject.lead.name, 200))}*. Say why it should not go out: it is not sent, and the next follow-up comes at its offset.`),
      {
        type: 'input' as const,
        block_id: FEEDBACK_INPUT.block,
        label: { type: 'plain_text' as const, text: 'Feedback' },
        element: { type: 'plain_text_input' as const, action_id: FEEDBACK_INPUT.action, multiline: true, max_length: 3000 },
      },
    ],
  };
}

export function followUpReminderText(subject: FollowUpSubject): string {
  return `:bell: Reminder: follow-up ${whichText(subject)} to ${escapeMrkdwn(truncate(subject.lead.company ?? subject.lead.name, 100))} has been waiting for a decision since ${slackDate(subject.message.availableAt)}. It is not sent until someone approves it.`;
}

function whichText(subject: FollowUpSubject): string {
  return subject.number === null ? '' : `${subject.number} of ${Math.max(subject.of, subject.number)}`;
}

function decisionLine(decision: ApprovalDecision): string {
  const verb = decision.decision === DecisionKind.APPROVED ? ':white_check_mark: *Approved*' : ':x: *Rejected*';
  return `${verb} by ${deciderText(decision.decidedBy)} ${slackDate(decision.createdAt)}`;
}

function statusText(status: OutboundStatus): string {
  const words: Record<OutboundStatus, string> = {
    [OutboundStatus.PENDING]: 'Approved',
    [OutboundStatus.AWAITING_APPROVAL]: 'Awaiting approval',
    [OutboundStatus.SENDING]: 'Sending',
    [OutboundStatus.SENT]: 'Sent',
    [OutboundStatus.FAILED]: 'Failed',
    [OutboundStatus.CANCELLED]: 'Cancelled',
  };
  return words[status];
}

function textOf(message: OutboundMessage): string | null {
  const text = message.payload['text'];
  return typeof text === 'string' ? text : null;
}

export function offsetText(ms: number): string {
  const day = 86_400_000;
  if (ms % day === 0) return `${ms / day} day${ms === day ? '' : 's'}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${Math.round(ms / 60_000)} min`;
}

const quote = (text: string) => `> ${text.replace(/\n/g, '\n> ')}`;

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SECTION_TEXT_LIMIT) } };
}
