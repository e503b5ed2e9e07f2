import { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/** How admins hear about something that needs a person (an endpoint disabled, a sync given up). */
export interface AdminNotifier {
  notify(text: string): Promise<void>;
}

/**
 * With the Slack bot configured: a message in SLACK_APPROVAL_CHANNEL (the channel the admins and
 * approvers watch). Without it: a warning in the log; what it is about stays visible over GraphQL
 * (the endpoint's `disabledReason`). A failed post is logged, never thrown: the notice is a
 * courtesy, the state change it reports has already been committed.
 */
export function createAdminNotifier(config: Config, logger: Logger): AdminNotifier {
  const { botToken, approvalChannel, apiUrl } = config.slack;
  if (!botToken || !approvalChannel) {
    return {
      async notify(text) {
        logger.warn({ notice: text }, 'admin notice (no Slack bot configured)');
      },
    };
  }
  const client = new WebClient(botToken, { ...(apiUrl ? { slackApiUrl: apiUrl } : {}), timeout: 10_000, retryConfig: { retries: 2 } });
  return {
    async notify(text) {
      try {
        await client.chat.postMessage({ channel: approvalChannel, text, unfurl_links: false });
      } catch (error) {
        logger.error({ err: error, notice: text }, 'admin notice could not be posted to Slack');
      }
    },
  };
}
