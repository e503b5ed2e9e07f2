import { hostname } from 'node:os';
import type { DataSource } from 'typeorm';
import { ConfigError, type Config, type ServerRoleName } from '../config.js';
import { Role } from '../entities/enums.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import type { LivePubSub } from '../pubsub/live-pubsub.js';
import type { Services } from '../services/index.js';
import { LeadpilotApiClient } from './leadpilot-api.client.js';
import { startSlackBot, type SlackBot, type SlackSettings } from './slack-bot.js';

/**
 * What the bot role needs that `loadConfig` cannot know alone (it depends on the roles):
 * `serve --roles bot` needs the Slack app, and apart from the api role it needs the API's address
 * and a delegate key.
 */
export function botRoleProblems(config: Config, roles: readonly ServerRoleName[]): string[] {
  if (!roles.includes('bot')) return [];
  const explicit = !roles.includes('api') || !roles.includes('worker');
  const problems: string[] = [];
  if (!config.slack.botToken) {
    // All roles (the default) without Slack: the bot is simply off. Asked for by name: a mistake.
    if (explicit) problems.push('SLACK_BOT_TOKEN: required to serve the bot role (with SLACK_SIGNING_SECRET and SLACK_APPROVAL_CHANNEL)');
    return problems;
  }
  if (!roles.includes('api')) {
    if (!config.api.url) problems.push('LEADPILOT_API_URL: required when the bot runs without the api role (the GraphQL endpoint it decides through)');
    if (!config.api.key) problems.push('LEADPILOT_API_KEY: required when the bot runs without the api role (a delegate approver key: leadpilot api-key create --role approver --delegate)');
  }
  return problems;
}

export function slackSettingsOf(config: Config): SlackSettings | undefined {
  const { botToken, signingSecret, approvalChannel } = config.slack;
  if (!botToken || !signingSecret || !approvalChannel) return undefined;
  // The SDK resolves method names against this URL: without the trailing slash it would drop /api.
  const apiUrl = config.slack.apiUrl && !config.slack.apiUrl.endsWith('/') ? `${config.slack.apiUrl}/` : config.slack.apiUrl;
  return { botToken, signingSecret, approvalChannel, apiUrl, approverIds: config.slack.approverIds };
}

export interface BotRoleDependencies {
  config: Config;
  roles: readonly ServerRoleName[];
  dataSource: DataSource;
  connectionString: string;
  services: Pick<Services, 'proposals' | 'apiKeys'>;
  live: Pick<LivePubSub, 'subscribe'>;
  clock: Clock;
  logger: Logger;
  /** This process's GraphQL endpoint, once it listens (the api role in the same process). */
  localApiUrl: () => string;
  minimumPostIntervalMs?: number;
  sweepIntervalMs?: number;
}

export interface BotRole {
  bot: SlackBot;
  stop(): Promise<void>;
}

/**
 * Starts the bot, with its API key: LEADPILOT_API_KEY when given; in the process that also
 * serves the API, a delegate approver key provisioned for this host (the previous one of this
 * host revoked, so restarts do not pile keys up; its own revoked on a clean stop).
 */
export async function startBotRole(deps: BotRoleDependencies): Promise<BotRole | undefined> {
  const problems = botRoleProblems(deps.config, deps.roles);
  if (problems.length) throw new ConfigError(problems);
  const slack = slackSettingsOf(deps.config);
  if (!slack) {
    deps.logger.info('Slack bot off: SLACK_BOT_TOKEN is not set');
    return undefined;
  }
  const logger = deps.logger.child({ component: 'slack-bot' });
  let key = deps.config.api.key;
  let provisionedId: string | undefined;
  if (!key) {
    const provisioned = await provisionBotKey(deps.services.apiKeys, logger);
    key = provisioned.key;
    provisionedId = provisioned.id;
  }
  const url = deps.config.api.url;
  const api = new LeadpilotApiClient({ url: url ? () => url : deps.localApiUrl, key, logger });
  try {
    const bot = await startSlackBot({
      config: deps.config,
      slack,
      dataSource: deps.dataSource,
      connectionString: deps.connectionString,
      proposals: deps.services.proposals,
      live: deps.live,
      api,
      clock: deps.clock,
      logger: deps.logger,
      ...(deps.minimumPostIntervalMs !== undefined ? { minimumPostIntervalMs: deps.minimumPostIntervalMs } : {}),
      ...(deps.sweepIntervalMs !== undefined ? { sweepIntervalMs: deps.sweepIntervalMs } : {}),
    });
    return {
      bot,
      stop: async () => {
        await bot.stop();
        if (provisionedId) await deps.services.apiKeys.revoke(provisionedId);
      },
    };
  } catch (error) {
    if (provisionedId) await deps.services.apiKeys.revoke(provisionedId).catch(() => undefined);
    throw error;
  }
}

async function provisionBotKey(apiKeys: Services['apiKeys'], logger: Logger): Promise<{ id: string; key: string }> {
  const name = `slack-bot (provisioned on ${hostname()})`.slice(0, 100);
  for (const earlier of await apiKeys.list()) {
    if (earlier.name === name && !earlier.revokedAt) await apiKeys.revoke(earlier.id);
  }
  const { apiKey, key } = await apiKeys.create({ name, role: Role.APPROVER, delegate: true });
  logger.info({ keyId: apiKey.id, name }, 'provisioned a delegate approver key for the Slack bot');
  return { id: apiKey.id, key };
}
