import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { DataSource } from 'typeorm';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import type { HeadlineKpiService } from '../services/headline-kpis.service.js';
import type { ProposalService } from '../services/proposal.service.js';
import type { LeadpilotApiClient } from './leadpilot-api.client.js';
import type { SlackPostStore } from './slack-post.store.js';

/** What the listeners share: passed in, so each listener is a small function of its inputs. */
export interface BotContext {
  dataSource: DataSource;
  posts: SlackPostStore;
  api: LeadpilotApiClient;
  proposals: Pick<ProposalService, 'approvalQueue'>;
  headlines: HeadlineKpiService;
  /** Empty: anyone in the channel may decide. */
  approverIds: readonly string[];
  publicUrl?: string | undefined;
  /** FOLLOW_UP_OFFSETS: a follow-up card says which of them it is. */
  followUpOffsetsMs: readonly number[];
  clock: Clock;
  logger: Logger;
  /** Bolt's client (retries on its own): for views and ephemeral answers, which are safe to repeat. */
  client: WebClient;
  /**
   * Runs work after the ack. Bolt (processBeforeResponse) answers Slack only when the listener
   * returns, so nothing slow may be awaited in it: the database and the API are reached from here.
   * A few pieces run at once and the rest wait their turn; work that opens a modal has a lane of
   * its own, as its trigger_id lasts only three seconds.
   */
  afterAck(label: string, work: () => Promise<void>, options?: { opensModal?: boolean }): void;
}

export const mayDecide = (context: BotContext, userId: string) => context.approverIds.length === 0 || context.approverIds.includes(userId);

export const REFUSAL = 'Only the approvers named in SLACK_APPROVER_IDS may approve or reject proposals and follow-ups. Nothing changed.';

/**
 * The key of one Slack request, the same on each of Slack's retries of it: the trigger id where
 * there is one (clicks, submissions, commands), else the body's hash.
 */
export function deliveryKey(body: unknown): string {
  const trigger = (body as { trigger_id?: unknown } | null)?.trigger_id;
  const kind = (body as { type?: unknown } | null)?.type ?? 'command';
  if (typeof trigger === 'string' && trigger) return `${String(kind)}:${trigger}`;
  return `body:${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`;
}
