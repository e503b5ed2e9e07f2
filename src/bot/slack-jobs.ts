import type { QueuePolicy } from '../pipeline/job-queue.js';

/** The bot's durable jobs. Payloads carry ids only. */
export interface SlackPayloads {
  /**
   * Brings one card in line with its subject (post, update, remind), or posts one day's digest.
   * One queue for all, so everything the bot posts goes out in order and within Slack's pace.
   */
  'slack-sync': SlackSyncPayload;
  [name: string]: object;
}

export type SlackSyncPayload = { proposalId: string } | { outboundMessageId: string } | { digestDay: string };

export const SLACK_QUEUE_POLICIES: Record<'slack-sync', Partial<QueuePolicy>> = {
  // One card job at a time across every bot process: the channel's posts go out in order and
  // within Slack's pace. A job that keeps failing (Slack down) is retried with backoff for about
  // an hour; the periodic sweep enqueues it again after that.
  'slack-sync': { policy: 'singleton', retryLimit: 10, retryDelaySeconds: 5, retryBackoff: true, expireInSeconds: 300 },
};
