import { randomUUID } from 'node:crypto';
import { CARD_EVENT_TYPE } from './action-ids.js';
import type { CardKind, CardSyncDependencies } from './card-kind.js';
import { isDefiniteFailure } from './slack-poster.js';
import type { SlackPost } from './slack-post.store.js';

export type { CardSyncDependencies } from './card-kind.js';

/**
 * The `slack-sync` job for one card: brings it in line with its subject (a proposal revision or
 * a follow-up). Idempotent; run for every change, by the sweep, and again after a failure:
 * - waiting for a decision and no card yet: post it (where the kind says: a later revision or a
 *   follow-up in the thread of the proposal's card);
 * - a card that shows an older state: update it in place (decided, expired, superseded, cancelled);
 * - waiting past APPROVAL_REMINDER_AFTER and not yet reminded: a reminder in the thread.
 *
 * Posting is effectively once: the intent (with a fresh posting key) is committed before the
 * call and the key travels in the message's metadata; a retry after an unknown outcome (timeout,
 * lost connection, crash) first looks for a message with that key and adopts it. Only a message
 * Slack accepted but does not show in history yet could still be doubled.
 */
export async function syncCard<Subject>(deps: CardSyncDependencies, kind: CardKind<Subject>, id: string): Promise<void> {
  const subject = await kind.load(deps.dataSource, id);
  if (!subject) return;
  const ref = { kind: kind.kind, id };
  let post = await deps.posts.find(ref);
  if (!post) {
    // A subject decided before its card was posted never gets one: there is nothing to decide.
    if (!kind.isOpen(subject)) return;
    const placement = await kind.placement(subject, deps);
    const claimed = await deps.posts.claim({ ref, leadId: kind.leadId(subject), channel: placement.channel, threadTs: placement.threadTs, postingKey: randomUUID() });
    post = claimed.post;
    if (claimed.created) {
      await postCard(deps, kind, subject, post);
      return syncReminder(deps, kind, subject, (await deps.posts.find(ref))!);
    }
  }
  if (!post.ts) {
    const found = await findPostedMessage(deps, post, CARD_EVENT_TYPE);
    if (found) {
      deps.logger.info({ kind: kind.kind, id, ts: found }, 'found the card an earlier attempt posted; not posting again');
      // Shown as nothing known: the update below brings it in line.
      await deps.posts.recordPosted(post.id, found, { status: 'unknown', version: -1 });
      post = (await deps.posts.find(ref))!;
    } else if (kind.isOpen(subject)) {
      await postCard(deps, kind, subject, post);
      return syncReminder(deps, kind, subject, (await deps.posts.find(ref))!);
    } else {
      return; // never shown, and no longer waiting: nothing to post
    }
  }
  const shown = kind.shownState(subject);
  if (post.shownStatus !== shown.status || post.shownVersion !== shown.version) {
    const card = kind.render(subject, deps);
    await deps.poster.withRateLimit('chat.update', () => deps.poster.client.chat.update({ channel: post.channel, ts: post.ts!, text: card.text, blocks: card.blocks }));
    await deps.posts.recordShown(post.id, shown);
  }
  await syncReminder(deps, kind, subject, post);
}

async function postCard<Subject>(deps: CardSyncDependencies, kind: CardKind<Subject>, subject: Subject, post: SlackPost): Promise<void> {
  const card = kind.render(subject, deps);
  const { ts } = await deps.poster.postMessage({
    channel: post.channel,
    text: card.text,
    blocks: card.blocks,
    ...(post.threadTs ? { thread_ts: post.threadTs } : {}),
    unfurl_links: false,
    unfurl_media: false,
    metadata: { event_type: CARD_EVENT_TYPE, event_payload: { ...kind.metadataPayload(subject), posting_key: post.postingKey } },
  });
  await deps.posts.recordPosted(post.id, ts, kind.shownState(subject));
  deps.logger.info({ kind: kind.kind, proposalId: post.proposalId, outboundMessageId: post.outboundMessageId, ts, inThread: Boolean(post.threadTs) }, 'card posted');
}

/** Looks for the message of an attempt whose outcome is unknown, by its posting key. */
export async function findPostedMessage(
  deps: Pick<CardSyncDependencies, 'poster'>,
  post: { channel: string; threadTs: string | null; postingKey: string; postingStartedAt: Date },
  eventType: string,
): Promise<string | null> {
  const client = deps.poster.client;
  const messages = post.threadTs
    ? (await deps.poster.withRateLimit('conversations.replies', () => client.conversations.replies({ channel: post.channel, ts: post.threadTs!, include_all_metadata: true, limit: 200 }))).messages
    : (await deps.poster.withRateLimit('conversations.history', () => client.conversations.history({ channel: post.channel, oldest: String((post.postingStartedAt.getTime() - 60_000) / 1000), include_all_metadata: true, limit: 200 }))).messages;
  const match = (messages ?? []).find((message) => {
    const metadata = (message as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
    return metadata?.event_type === eventType && metadata.event_payload?.['posting_key'] === post.postingKey;
  });
  return match?.ts ?? null;
}

/** At most one reminder per subject: claimed before posting, given back only when Slack surely did not post it. */
async function syncReminder<Subject>(deps: CardSyncDependencies, kind: CardKind<Subject>, subject: Subject, post: SlackPost): Promise<void> {
  if (!kind.isOpen(subject) || post.remindedAt || !post.ts) return;
  const reminder = kind.reminder(subject, deps);
  const now = deps.clock.now();
  if (now.getTime() - reminder.since.getTime() < deps.approval.reminderAfterMs) return;
  if (!(await deps.posts.claimReminder(post.id, now))) return;
  try {
    await deps.poster.postMessage({ channel: post.channel, thread_ts: post.threadTs ?? post.ts, text: reminder.text });
  } catch (error) {
    if (isDefiniteFailure(error)) await deps.posts.releaseReminder(post.id);
    throw error;
  }
}
