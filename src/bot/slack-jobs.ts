import type { QueuePolicy } from '../pipeline/job-queue.js';

/** The bot's durable jobs. Payloads carry ids only. */
export interface SlackPayloads {
  /** Brings one proposal's card in line with it (post, update, remind). */
  'slack-sync': { proposalId: string };
  [name: string]: object;
}

export const SLACK_QUEUE_POLICIES: Record<'slack-sync', Partial<QueuePolicy>> = {
  // One card job at a time across every bot process: the channel's posts go out in order and
  // within Slack's pace. A job that keeps failing (Slack down) is retried with backoff for about
  // an hour; the periodic sweep enqueues it again after that.
  'slack-sync': { policy: 'singleton', retryLimit: 10, retryDelaySeconds: 5, retryBackoff: true, expireInSeconds: 300 },
};
