import type { DataSource } from 'typeorm';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import type { SlackMessage } from './proposal-card.js';
import type { SlackPoster } from './slack-poster.js';
import type { CardKindName, SlackPostStore } from './slack-post.store.js';

export interface CardSyncDependencies {
  dataSource: DataSource;
  posts: SlackPostStore;
  poster: SlackPoster;
  channel: string;
  clock: Clock;
  approval: { reminderAfterMs: number; expiresAfterMs: number };
  /** FOLLOW_UP_OFFSETS: a follow-up card says which of them it is. */
  followUpOffsetsMs: readonly number[];
  publicUrl?: string | undefined;
  logger: Logger;
}

/**
 * What the card machinery (card-sync.job.ts) needs to know of one kind of subject a person
 * decides in Slack. The posting, the idempotent retry, the in-place update and the reminder are
 * the same for every kind; what a card shows and where it goes is the kind's.
 */
export interface CardKind<Subject> {
  kind: CardKindName;
  load(dataSource: DataSource, id: string): Promise<Subject | null>;
  leadId(subject: Subject): string;
  /** Waiting for a decision: only then is a card posted. */
  isOpen(subject: Subject): boolean;
  /** The state a card was rendered from; a card showing another is updated in place. */
  shownState(subject: Subject): { status: string; version: number };
  render(subject: Subject, deps: CardSyncDependencies): SlackMessage;
  /** Where a new card goes. */
  placement(subject: Subject, deps: CardSyncDependencies): Promise<{ channel: string; threadTs: string | null }>;
  /** The message metadata that names the subject (the posting key is added). */
  metadataPayload(subject: Subject): Record<string, string>;
  /** Since when it waits, and the reminder's text. */
  reminder(subject: Subject, deps: CardSyncDependencies): { since: Date; text: string };
}
