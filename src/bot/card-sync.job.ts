import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ProposalStatus } from '../entities/enums.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import { CARD_EVENT_TYPE } from './action-ids.js';
import { loadCardSubject, type CardSubject } from './card-subject.js';
import { proposalCard, reminderText } from './proposal-card.js';
import { isDefiniteFailure, type SlackPoster } from './slack-poster.js';
import type { SlackPost, SlackPostStore } from './slack-post.store.js';

export interface CardSyncDependencies {
  dataSource: DataSource;
  posts: SlackPostStore;
  poster: SlackPoster;
  channel: string;
  clock: Clock;
  approval: { reminderAfterMs: number; expiresAfterMs: number };
  publicUrl?: string | undefined;
  logger: Logger;
}

/** When a pending revision started waiting: nothing else writes a proposal while it is PENDING_APPROVAL. */
export const pendingSince = (subject: CardSubject) => subject.proposal.updatedAt;

/**
 * The `slack-sync` job: brings one proposal's card in line with the proposal. Idempotent; run
 * for every change, by the sweep, and again after a failure:
 * - pending and no card yet: post it (a later revision in the thread of the earlier one's card);
 * - a card that shows an older state: update it in place (decided, expired, superseded);
 * - pending past APPROVAL_REMINDER_AFTER and not yet reminded: a reminder in the thread.
 *
 * Posting is effectively once: the intent (with a fresh posting key) is committed before the
 * call and the key travels in the message's metadata; a retry after an unknown outcome (timeout,
 * lost connection, crash) first looks for a message with that key and adopts it. Only a message
 * Slack accepted but does not show in history yet could still be doubled.
 */
export async function syncCard(deps: CardSyncDependencies, proposalId: string): Promise<void> {
  const subject = await loadCardSubject(deps.dataSource, proposalId);
  if (!subject) return;
  const { proposal } = subject;
  let post = await deps.posts.find(proposalId);
  if (!post) {
    // A revision decided before its card was posted never gets one: there is nothing to decide.
    if (proposal.status !== ProposalStatus.PENDING_APPROVAL) return;
    const earlier = await deps.posts.earlierCard(proposal.leadId, proposal.revision);
    const claimed = await deps.posts.claim({ proposalId, leadId: proposal.leadId, channel: earlier?.channel ?? deps.channel, threadTs: earlier ? (earlier.threadTs ?? earlier.ts) : null, postingKey: randomUUID() });
    post = claimed.post;
    if (claimed.created) {
      await postCard(deps, subject, post);
      return syncReminder(deps, subject, (await deps.posts.find(proposalId))!);
    }
  }
  if (!post.ts) {
    const found = await findPostedCard(deps, post);
    if (found) {
      deps.logger.info({ proposalId, ts: found }, 'found the card an earlier attempt posted; not posting again');
      await deps.posts.recordPosted(post.id, found, { status: ProposalStatus.PENDING_APPROVAL, version: -1 });
      post = (await deps.posts.find(proposalId))!;
    } else if (proposal.status === ProposalStatus.PENDING_APPROVAL) {
      await postCard(deps, subject, post);
      return syncReminder(deps, subject, (await deps.posts.find(proposalId))!);
    } else {
      return; // never shown, and no longer waiting: nothing to post
    }
  }
  if (post.shownStatus !== proposal.status || post.shownVersion !== proposal.version) {
    const card = proposalCard(subject, cardOptions(deps, subject));
    await deps.poster.withRateLimit(() => deps.poster.client.chat.update({ channel: post.channel, ts: post.ts!, text: card.text, blocks: card.blocks }));
    await deps.posts.recordShown(post.id, { status: proposal.status, version: proposal.version });
  }
  await syncReminder(deps, subject, post);
}

async function postCard(deps: CardSyncDependencies, subject: CardSubject, post: SlackPost): Promise<void> {
  const card = proposalCard(subject, cardOptions(deps, subject));
  const { ts } = await deps.poster.postMessage({
    channel: post.channel,
    text: card.text,
    blocks: card.blocks,
    ...(post.threadTs ? { thread_ts: post.threadTs } : {}),
    unfurl_links: false,
    unfurl_media: false,
    metadata: { event_type: CARD_EVENT_TYPE, event_payload: { proposal_id: subject.proposal.id, posting_key: post.postingKey } },
  });
  await deps.posts.recordPosted(post.id, ts, { status: subject.proposal.status, version: subject.proposal.version });
  deps.logger.info({ proposalId: subject.proposal.id, revision: subject.proposal.revision, ts, inThread: Boolean(post.threadTs) }, 'card posted');
}

/** Looks for the message of an attempt whose outcome is unknown, by its posting key. */
async function findPostedCard(deps: CardSyncDependencies, post: SlackPost): Promise<string | null> {
  const client = deps.poster.client;
  const messages = post.threadTs
    ? (await deps.poster.withRateLimit(() => client.conversations.replies({ channel: post.channel, ts: post.threadTs!, include_all_metadata: true, limit: 200 }))).messages
    : (await deps.poster.withRateLimit(() => client.conversations.history({ channel: post.channel, oldest: String((post.postingStartedAt.getTime() - 60_000) / 1000), include_all_metadata: true, limit: 200 }))).messages;
  const match = (messages ?? []).find((message) => {
    const metadata = (message as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
    return metadata?.event_type === CARD_EVENT_TYPE && metadata.event_payload?.['posting_key'] === post.postingKey;
  });
  return match?.ts ?? null;
}

/** At most one reminder per revision: claimed before posting, given back only when Slack surely did not post it. */
async function syncReminder(deps: CardSyncDependencies, subject: CardSubject, post: SlackPost): Promise<void> {
  if (subject.proposal.status !== ProposalStatus.PENDING_APPROVAL || post.remindedAt || !post.ts) return;
  const since = pendingSince(subject);
  const now = deps.clock.now();
  if (now.getTime() - since.getTime() < deps.approval.reminderAfterMs) return;
  if (!(await deps.posts.claimReminder(post.id, now))) return;
  try {
    await deps.poster.postMessage({
      channel: post.channel,
      thread_ts: post.threadTs ?? post.ts,
      text: reminderText(subject, since, new Date(since.getTime() + deps.approval.expiresAfterMs)),
    });
  } catch (error) {
    if (isDefiniteFailure(error)) await deps.posts.releaseReminder(post.id);
    throw error;
  }
}

function cardOptions(deps: CardSyncDependencies, subject: CardSubject) {
  return { publicUrl: deps.publicUrl, expiresAt: new Date(pendingSince(subject).getTime() + deps.approval.expiresAfterMs) };
}
