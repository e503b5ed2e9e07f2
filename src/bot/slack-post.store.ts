import type { DataSource } from 'typeorm';
import { returnedRows } from '../database/query-rows.js';

/** What a card is about: a proposal revision, or a follow-up waiting for approval (an outbound message). */
export type CardKindName = 'proposal' | 'follow_up';
export interface CardRef {
  kind: CardKindName;
  id: string;
}

/** The column that holds each kind's subject (the table checks exactly one is set). */
const SUBJECT_COLUMN: Record<CardKindName, 'proposal_id' | 'outbound_message_id'> = { proposal: 'proposal_id', follow_up: 'outbound_message_id' };

/** A card: where it was posted and what it shows. */
export interface SlackPost {
  id: string;
  proposalId: string | null;
  outboundMessageId: string | null;
  leadId: string;
  channel: string;
  /** Null while a post's outcome is unknown (the call failed without an answer). */
  ts: string | null;
  threadTs: string | null;
  postingKey: string;
  postingStartedAt: Date;
  shownStatus: string | null;
  shownVersion: number | null;
  remindedAt: Date | null;
}

const columns = (table: string) =>
  `${table}.id, ${table}.proposal_id AS "proposalId", ${table}.outbound_message_id AS "outboundMessageId", ${table}.lead_id AS "leadId", ${table}.channel, ${table}.ts, ${table}.thread_ts AS "threadTs",
   ${table}.posting_key AS "postingKey", ${table}.posting_started_at AS "postingStartedAt", ${table}.shown_status AS "shownStatus",
   ${table}.shown_version AS "shownVersion", ${table}.reminded_at AS "remindedAt"`;

/** The slack_posts table: the bot's record of its cards, the only state it keeps. */
export class SlackPostStore {
  constructor(private readonly dataSource: DataSource) {}

  async find(ref: CardRef): Promise<SlackPost | null> {
    const rows = (await this.dataSource.query(`SELECT ${columns('s')} FROM slack_posts s WHERE s.${SUBJECT_COLUMN[ref.kind]} = $1`, [ref.id])) as SlackPost[];
    return rows[0] ?? null;
  }

  /** The card of the newest earlier revision of the lead that has one: a new revision goes in its thread. */
  async earlierCard(leadId: string, revision: number): Promise<SlackPost | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${columns('s')} FROM slack_posts s JOIN proposals p ON p.id = s.proposal_id
        WHERE s.lead_id = $1 AND p.revision < $2 AND s.ts IS NOT NULL ORDER BY p.revision DESC LIMIT 1`,
      [leadId, revision],
    )) as SlackPost[];
    return rows[0] ?? null;
  }

  /**
   * Records the intent to post before posting (committed on its own), so that a retry after an
   * unknown outcome knows to look for the message first. Returns the row, whoever wrote it.
   */
  async claim(post: { ref: CardRef; leadId: string; channel: string; threadTs: string | null; postingKey: string }): Promise<{ post: SlackPost; created: boolean }> {
    const column = SUBJECT_COLUMN[post.ref.kind];
    const inserted = returnedRows<{ id: string }>(
      await this.dataSource.query(
        `INSERT INTO slack_posts (${column}, lead_id, channel, thread_ts, posting_key) VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (${column}) DO NOTHING RETURNING id`,
        [post.ref.id, post.leadId, post.channel, post.threadTs, post.postingKey],
      ),
    );
    const row = await this.find(post.ref);
    if (!row) throw new Error(`slack_posts row for ${post.ref.kind} ${post.ref.id} vanished`);
    return { post: row, created: inserted.length === 1 };
  }

  async recordPosted(id: string, ts: string, shown: { status: string; version: number }): Promise<void> {
    await this.dataSource.query(`UPDATE slack_posts SET ts = $2, shown_status = $3, shown_version = $4, updated_at = now() WHERE id = $1`, [id, ts, shown.status, shown.version]);
  }

  async recordShown(id: string, shown: { status: string; version: number }): Promise<void> {
    await this.dataSource.query(`UPDATE slack_posts SET shown_status = $2, shown_version = $3, updated_at = now() WHERE id = $1`, [id, shown.status, shown.version]);
  }

  /** Claims the reminder (at most once): false when another job already did. */
  async claimReminder(id: string, at: Date): Promise<boolean> {
    const rows = returnedRows(await this.dataSource.query(`UPDATE slack_posts SET reminded_at = $2, updated_at = now() WHERE id = $1 AND reminded_at IS NULL RETURNING id`, [id, at]));
    return rows.length === 1;
  }

  /** Gives a reminder back when Slack certainly did not post it. */
  async releaseReminder(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE slack_posts SET reminded_at = NULL, updated_at = now() WHERE id = $1`, [id]);
  }

  /** Marks one Slack request as taken; false when it was already (a retry of the same request). */
  async firstDelivery(key: string): Promise<boolean> {
    const rows = returnedRows(await this.dataSource.query(`INSERT INTO slack_interactions (key) VALUES ($1) ON CONFLICT (key) DO NOTHING RETURNING key`, [key]));
    return rows.length === 1;
  }
}
