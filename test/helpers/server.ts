import { loadConfig, type Config } from '../../src/config.js';
import { makeDataSource } from '../../src/database/data-source.js';
import { Role } from '../../src/entities/enums.js';
import { createLogger } from '../../src/logger.js';
import { createLivePubSub, type LivePubSub } from '../../src/pubsub/live-pubsub.js';
import { createServer, type LeadpilotServer } from '../../src/server.js';
import { makeServices, type Services } from '../../src/services/index.js';
import { systemClock, type Clock } from '../../src/lib/clock.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import type { DataSource } from 'typeorm';
import { loadAgencyConfig, type AgencyConfig } from '../../src/agents/agency-config.js';
import type { JobQueue } from '../../src/pipeline/job-queue.js';
import type { PipelinePayloads } from '../../src/pipeline/pipeline-jobs.js';
import { startPipelineQueue, startWorkerRole } from '../../src/pipeline/start-pipeline.js';
import type { SlackBot } from '../../src/bot/slack-bot.js';
import { startBotRole, type BotRole } from '../../src/bot/start-bot-role.js';
import { mailSettings } from '../../src/delivery/outbox.js';
import type { DeliveryRole } from '../../src/delivery/start-delivery.js';
import type { IntegrationsRole } from '../../src/integrations/start-integrations.js';
import type { AdminNotifier } from '../../src/integrations/admin-notifier.js';

export interface TestServer {
  readonly url: string;
  readonly graphqlUrl: string;
  readonly dataSource: DataSource;
  readonly services: Services;
  /** The live events the services publish to; specs may publish directly. */
  readonly live: LivePubSub;
  readonly config: Config;
  /** The pipeline's job queue, for specs that enqueue a step by hand (a redelivery). */
  readonly queue: JobQueue<PipelinePayloads>;
  /** The worker's e-mail part (with `worker: true`): specs sweep the outbox with it. */
  readonly delivery: DeliveryRole | undefined;
  /** The worker's integrations part (with `worker: true`): specs sweep webhook attempts with it. */
  readonly integrations: IntegrationsRole | undefined;
  /** A key for each role, created for this server. */
  readonly keys: Record<Role, string>;
  /** The Slack bot, with `bot: {...}`. */
  readonly bot: SlackBot | undefined;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** Runs the pipeline worker in the same process (offline models unless `env` says otherwise). */
  worker?: boolean;
  agency?: AgencyConfig;
  /** A database made by the spec (shared with a child process, say): used as is and left for the spec to drop. */
  database?: TestDatabase;
  /**
   * Runs the Slack bot in the process, as `serve` does with SLACK_BOT_TOKEN (pass the SLACK_*
   * variables in `env`, SLACK_API_URL pointing at a fake). Posts are not paced unless asked.
   */
  bot?: { minimumPostIntervalMs?: number; sweepIntervalMs?: number };
  /** The worker's outbox sweep interval; 0 for none (the spec sweeps by hand). */
  deliverySweepIntervalMs?: number;
  /** The worker's webhook sweep interval; 0 for none (the spec sweeps by hand). */
  integrationsSweepIntervalMs?: number;
  /** Replaces the admin notices (Slack or the log). */
  notifier?: AdminNotifier;
}

/** Specs about something else never meet a rate limit, yet every request still goes through the limiter. */
const GENEROUS_RATE_LIMITS = {
  RATE_LIMIT_ANONYMOUS: '1000000/1m',
  RATE_LIMIT_VIEWER: '1000000/1m',
  RATE_LIMIT_INTEGRATION: '1000000/1m',
  RATE_LIMIT_APPROVER: '1000000/1m',
  RATE_LIMIT_ADMIN: '1000000/1m',
};

/**
 * The whole HTTP server in-process, on a fresh database of its own and a random port. Leads are
 * always enqueued for the pipeline; only with `worker: true` does anything work them.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database: TestDatabase = options.database ?? (await createTestDatabase());
  const dropDatabase = () => (options.database ? Promise.resolve() : database.drop());
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.url, PORT: '0', LLM_PROVIDERS: 'offline', PIPELINE_RETRY_DELAY: '1s', PIPELINE_STEP_RETRIES: '1', ...GENEROUS_RATE_LIMITS, ...options.env });
  const logger = createLogger({ level: config.logLevel });
  const dataSource = makeDataSource({ url: database.url, poolSize: 5 });
  await dataSource.initialize();
  let live: LivePubSub | undefined;
  let server: LeadpilotServer | undefined;
  let queue: JobQueue<PipelinePayloads> | undefined;
  let botRole: BotRole | undefined;
  let delivery: DeliveryRole | undefined;
  let integrations: IntegrationsRole | undefined;
  try {
    live = await createLivePubSub({ dataSource, logger });
    queue = await startPipelineQueue(database.url, config, logger);
    const clock = options.clock ?? systemClock;
    const agency = options.agency ?? loadAgencyConfig();
    const services = makeServices(dataSource, clock, live, queue, { settings: mailSettings(config), agency });
    if (options.worker) {
      const worker = await startWorkerRole({ config, dataSource, queue, agency, events: live, clock, logger, promptVersions: services.promptVersions, ...(options.deliverySweepIntervalMs !== undefined ? { deliverySweepIntervalMs: options.deliverySweepIntervalMs } : {}),
        connectionString: database.url,
        ...(options.integrationsSweepIntervalMs !== undefined ? { integrationsSweepIntervalMs: options.integrationsSweepIntervalMs } : {}),
        ...(options.notifier ? { notifier: options.notifier } : {}),
      });
      delivery = worker.delivery;
      integrations = worker.integrations;
    }
    let graphqlUrl: string | undefined;
    if (options.bot) {
      botRole = await startBotRole({
        config,
        roles: ['api', 'worker', 'bot'],
        dataSource,
        connectionString: database.url,
        services,
        live,
        clock,
        logger,
        localApiUrl: () => graphqlUrl!,
        minimumPostIntervalMs: options.bot.minimumPostIntervalMs ?? 0,
        ...(options.bot.sweepIntervalMs !== undefined ? { sweepIntervalMs: options.bot.sweepIntervalMs } : {}),
      });
      if (!botRole) throw new Error('bot: true needs SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_APPROVAL_CHANNEL in env');
    }
    server = await createServer({ config, dataSource, services, logger, live, clock, slackRouter: botRole?.bot.router });
    const port = await server.listen(0, '127.0.0.1');
    graphqlUrl = `http://127.0.0.1:${port}/graphql`;
    const keys = {} as Record<Role, string>;
    for (const role of Object.values(Role)) {
      keys[role] = (await services.apiKeys.create({ name: `test-${role}`, role })).key;
    }
    const url = `http://127.0.0.1:${port}`;
    return {
      url,
      graphqlUrl: `${url}/graphql`,
      dataSource,
      services,
      live,
      config,
      queue,
      keys,
      bot: botRole?.bot,
      delivery,
      integrations,
      stop: async () => {
        await botRole?.bot.drain();
        delivery?.stop();
        await integrations?.stop();
        await server?.close();
        await botRole?.stop();
        await queue?.stop(5_000);
        await live?.close();
        await dataSource.destroy();
        await dropDatabase();
      },
    };
  } catch (error) {
    delivery?.stop();
    await integrations?.stop();
    await server?.close();
    await botRole?.stop();
    await queue?.stop(1_000);
    await live?.close();
    await dataSource.destroy();
    await dropDatabase();
    throw error;
  }
}
