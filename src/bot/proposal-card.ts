import type { KnownBlock } from '@slack/types';
import { DecisionKind, ProposalStatus } from '../entities/enums.js';
import type { Proposal } from '../entities/proposal.entity.js';
import type { ReviewNotes } from '../pipeline/steps/review.step.js';
import { ACTION, FEEDBACK_INPUT, VIEW } from './action-ids.js';
import type { CardSubject } from './card-subject.js';
import { chunkText, deciderText, escapeMrkdwn, money, SECTION_TEXT_LIMIT, slackDate, truncate } from './slack-text.js';

export interface SlackMessage {
  /** The notification text (and what clients without blocks show). */
  text: string;
  blocks: KnownBlock[];
}

export interface CardOptions {
  publicUrl?: string | undefined;
  /** When a pending revision expires, shown on the card. */
  expiresAt?: Date | undefined;
}

const MAX_LINE_ITEMS_ON_CARD = 15;
/** Slack refuses a modal of more than 100 blocks. */
const MAX_MODAL_BLOCKS = 100;

/** The card of one revision: what is proposed, and either the buttons or what became of it. */
export function proposalCard(subject: CardSubject, options: CardOptions = {}): SlackMessage {
  const { proposal, lead } = subject;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${proposal.title}`, 150), emoji: false } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Lead*\n${escapeMrkdwn(truncate(lead.name, 200))} (${escapeMrkdwn(truncate(lead.email, 200))})` },
        { type: 'mrkdwn', text: `*Company*\n${escapeMrkdwn(truncate(lead.company ?? '—', 200))}` },
        { type: 'mrkdwn', text: `*Fit*\n${lead.fitScore ?? '—'}/100 · ${lead.priority ? lead.priority.toUpperCase() : 'no priority'}` },
        { type: 'mrkdwn', text: `*Revision*\n${proposal.revision} · ${money(proposal.total, proposal.currency)}` },
      ],
    },
  ];
  if (subject.designSummary) blocks.push(section(`*Solution*\n${escapeMrkdwn(subject.designSummary)}`));
  blocks.push(section(`*Line items*\n${lineItemsText(proposal)}\n*Total: ${money(proposal.total, proposal.currency)}*`));
  const review = reviewText(proposal);
  if (review) blocks.push(section(review));
  const changes = subject.previous ? changesText(subject.previous, proposal) : null;
  if (changes) blocks.push(section(changes));

  if (proposal.status === ProposalStatus.PENDING_APPROVAL) {
    blocks.push({
      type: 'actions',
      block_id: `proposal_actions`,
      elements: [
        { type: 'button', action_id: ACTION.approve, style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value: proposal.id },
        { type: 'button', action_id: ACTION.reject, style: 'danger', text: { type: 'plain_text', text: 'Reject' }, value: proposal.id },
        { type: 'button', action_id: ACTION.view, text: { type: 'plain_text', text: 'View' }, value: proposal.id },
      ],
    });
    const expiry = options.expiresAt ? ` Expires ${slackDate(options.expiresAt)} if nobody decides.` : '';
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `:hourglass: Waiting for approval.${expiry}` }] });
  } else {
    blocks.push(section(outcomeText(subject)));
    blocks.push({ type: 'actions', block_id: 'proposal_view_only', elements: [{ type: 'button', action_id: ACTION.view, text: { type: 'plain_text', text: 'View' }, value: proposal.id }] });
  }
  const text = `${statusWord(proposal.status)}: ${escapeMrkdwn(truncate(proposal.title, 150))} for ${escapeMrkdwn(truncate(lead.company ?? lead.name, 100))} (${money(proposal.total, proposal.currency)}), revision ${proposal.revision}`;
  return { text, blocks };
}

/** What became of a revision that is no longer waiting: who decided and when, or why not. */
export function outcomeText(subject: CardSubject): string {
  const { proposal, decision, next } = subject;
  const lines: string[] = [];
  if (decision) {
    const verb = decision.decision === DecisionKind.APPROVED ? ':white_check_mark: *Approved*' : ':x: *Rejected*';
    lines.push(`${verb} by ${deciderText(decision.decidedBy)} ${slackDate(decision.createdAt)}`);
    if (decision.feedback) lines.push(`> ${escapeMrkdwn(truncate(decision.feedback, 1500)).replace(/\n/g, '\n> ')}`);
  }
  if (proposal.status === ProposalStatus.APPROVAL_EXPIRED) lines.push(`:hourglass_flowing_sand: *Approval expired* ${slackDate(proposal.updatedAt)}: nobody decided in time. Nothing was sent.`);
  if (proposal.status === ProposalStatus.SUPERSEDED) {
    lines.push(next ? `:arrows_counterclockwise: Superseded by revision ${next.revision}${decision ? ' (in the thread)' : ''}.` : ':arrows_counterclockwise: Superseded by a newer revision.');
  }
  if (proposal.status === ProposalStatus.REJECTED) lines.push('The reviser is writing the next revision; it will be posted in the thread.');
  if ([ProposalStatus.SENT, ProposalStatus.ACCEPTED, ProposalStatus.DECLINED, ProposalStatus.EXPIRED].includes(proposal.status)) lines.push(`Now ${statusWord(proposal.status).toLowerCase()}.`);
  if (lines.length === 0) lines.push(`Now ${statusWord(proposal.status).toLowerCase()}.`);
  return truncate(lines.join('\n'), SECTION_TEXT_LIMIT);
}

/** The answer to a click on a revision that is no longer waiting. */
export function alreadyDecidedText(subject: CardSubject): string {
  const { proposal, decision } = subject;
  if (decision) {
    const verb = decision.decision === DecisionKind.APPROVED ? 'approved' : 'rejected';
    return `Revision ${proposal.revision} of "${escapeMrkdwn(truncate(proposal.title, 150))}" was already ${verb} by ${deciderText(decision.decidedBy)} ${slackDate(decision.createdAt)}. Nothing changed.`;
  }
  return `Revision ${proposal.revision} of "${escapeMrkdwn(truncate(proposal.title, 150))}" is ${statusWord(proposal.status).toLowerCase()}; it can no longer be decided. Nothing changed.`;
}

/** The View modal: the whole text, chunked within Slack's limits. */
export function proposalModal(subject: CardSubject, options: CardOptions = {}) {
  const { proposal, lead } = subject;
  const blocks: KnownBlock[] = [];
  if (options.publicUrl) {
    blocks.push(section(`<${options.publicUrl}/dashboard?proposal=${proposal.id}|Open in the dashboard>`));
  }
  blocks.push(section(`*${escapeMrkdwn(truncate(proposal.title, 500))}*\nFor ${escapeMrkdwn(truncate(lead.name, 200))}${lead.company ? `, ${escapeMrkdwn(truncate(lead.company, 200))}` : ''} · revision ${proposal.revision} · ${statusWord(proposal.status)}`));
  blocks.push(section(`*Line items*\n${lineItemsText(proposal, proposal.lineItems.length)}\n*Total: ${money(proposal.total, proposal.currency)}*`));
  blocks.push({ type: 'divider' });
  const room = MAX_MODAL_BLOCKS - blocks.length - 1;
  const chunks = chunkText(escapeMrkdwn(proposal.body));
  for (const chunk of chunks.slice(0, room)) blocks.push(section(chunk));
  if (chunks.length > room) blocks.push(section(options.publicUrl ? '_The text goes on; read it whole in the dashboard._' : '_The text goes on; it is too long for Slack._'));
  return {
    type: 'modal' as const,
    title: { type: 'plain_text' as const, text: truncate(`Proposal · rev. ${proposal.revision}`, 24) },
    close: { type: 'plain_text' as const, text: 'Close' },
    blocks,
  };
}

/** The Reject modal: feedback is required; private metadata carries what the submission needs. */
export function rejectModal(subject: CardSubject, metadata: RejectModalMetadata) {
  return {
    type: 'modal' as const,
    callback_id: VIEW.rejectFeedback,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text' as const, text: 'Reject proposal' },
    submit: { type: 'plain_text' as const, text: 'Reject' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      section(`Revision ${subject.proposal.revision} of *${escapeMrkdwn(truncate(subject.proposal.title, 300))}*. Say what to change (price, scope, text): the reviser writes the next revision from it.`),
      {
        type: 'input' as const,
        block_id: FEEDBACK_INPUT.block,
        label: { type: 'plain_text' as const, text: 'Feedback' },
        element: { type: 'plain_text_input' as const, action_id: FEEDBACK_INPUT.action, multiline: true, max_length: 3000 },
      },
    ],
  };
}

export interface RejectModalMetadata {
  proposalId: string;
  channel: string | null;
}

export function reminderText(subject: CardSubject, pendingSince: Date, expiresAt: Date): string {
  return `:bell: Reminder: revision ${subject.proposal.revision} of "${escapeMrkdwn(truncate(subject.proposal.title, 150))}" has been waiting for a decision since ${slackDate(pendingSince)}. It expires ${slackDate(expiresAt)}; silence is never approval.`;
}

export function statusWord(status: ProposalStatus): string {
  const words: Record<ProposalStatus, string> = {
    [ProposalStatus.DRAFT]: 'Draft',
    [ProposalStatus.IN_REVIEW]: 'In review',
    [ProposalStatus.PENDING_APPROVAL]: 'Awaiting approval',
    [ProposalStatus.APPROVED]: 'Approved',
    [ProposalStatus.REJECTED]: 'Rejected',
    [ProposalStatus.SUPERSEDED]: 'Superseded',
    [ProposalStatus.APPROVAL_EXPIRED]: 'Approval expired',
    [ProposalStatus.SENT]: 'Sent',
    [ProposalStatus.ACCEPTED]: 'Accepted',
    [ProposalStatus.DECLINED]: 'Declined',
    [ProposalStatus.EXPIRED]: 'Expired',
  };
  return words[status];
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SECTION_TEXT_LIMIT) } };
}

function lineItemsText(proposal: Proposal, limit = MAX_LINE_ITEMS_ON_CARD): string {
  const shown = proposal.lineItems.slice(0, limit).map((item) => {
    const effort = item.days != null && item.rate != null ? ` (${item.days} d × ${money(item.rate, proposal.currency)})` : '';
    return `• ${escapeMrkdwn(truncate(item.description, 300))}${effort}: ${money(item.amount, proposal.currency)}`;
  });
  const more = proposal.lineItems.length - shown.length;
  if (more > 0) shown.push(`_…and ${more} more (View)_`);
  return truncate(shown.join('\n') || '—', SECTION_TEXT_LIMIT - 200);
}

function reviewText(proposal: Proposal): string | null {
  const notes = proposal.reviewNotes as ReviewNotes | null;
  const score = proposal.reviewScore != null ? `${Math.round(proposal.reviewScore)}/100` : null;
  const last = notes?.rounds?.[notes.rounds.length - 1];
  if (!score && !last) return null;
  const lines = [`*Review*: ${score ?? 'no score'}${notes?.escalated ? ' · :warning: review rounds used up; the reviewer still had findings' : ''}`];
  for (const finding of (last?.findings ?? []).slice(0, 6)) {
    lines.push(`• _${escapeMrkdwn(String(finding.severity))}_: ${escapeMrkdwn(truncate(String(finding.message), 300))}`);
  }
  return lines.join('\n');
}

/** What changed from the previous revision: price, scope, text, and what the reviser did with the feedback. */
export function changesText(previous: Proposal, current: Proposal): string | null {
  const lines: string[] = [];
  if (previous.total !== current.total) lines.push(`• Price: ${money(previous.total, previous.currency)} → ${money(current.total, current.currency)}`);
  const before = new Set(previous.lineItems.map((item) => item.description));
  const after = new Set(current.lineItems.map((item) => item.description));
  const added = [...after].filter((description) => !before.has(description));
  const removed = [...before].filter((description) => !after.has(description));
  if (added.length) lines.push(`• Scope added: ${added.slice(0, 8).map((description) => escapeMrkdwn(truncate(description, 120))).join('; ')}`);
  if (removed.length) lines.push(`• Scope removed: ${removed.slice(0, 8).map((description) => escapeMrkdwn(truncate(description, 120))).join('; ')}`);
  if (previous.title !== current.title) lines.push(`• Title: ${escapeMrkdwn(truncate(current.title, 200))}`);
  if (previous.body !== current.body) lines.push(`• Text: rewritten (${wordCount(previous.body)} → ${wordCount(current.body)} words)`);
  const feedback = (current.reviewNotes as ReviewNotes | null)?.feedback;
  if (feedback) {
    lines.push(`• Feedback: _${escapeMrkdwn(truncate(feedback.text, 500))}_`);
    for (const item of feedback.applied.slice(0, 5)) lines.push(`   ✓ ${escapeMrkdwn(truncate(item, 200))}`);
    for (const item of feedback.notApplied.slice(0, 5)) lines.push(`   ✗ not applied: ${escapeMrkdwn(truncate(item, 200))}`);
  }
  if (lines.length === 0) return `*What changed since revision ${previous.revision}*: nothing visible.`;
  return truncate(`*What changed since revision ${previous.revision}*\n${lines.join('\n')}`, SECTION_TEXT_LIMIT);
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;
