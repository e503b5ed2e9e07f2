import { loadAgencyConfig } from './agents/agency-config.js';
import type { Config, ServerRoleName } from './config.js';
import { migrateDatabase } from './database/migrate.js';
import { openDatabase, type OpenDatabase } from './database/open-database.js';
import { systemClock, type Clock } from './lib/clock.js';
import type { Logger } from './logger.js';
import type { LanguageModel } from './agents/models/language-model.js';
import { createLivePubSub } from './pubsub/live-pubsub.js';
import { createServer, type LeadpilotServer } from './server.js';
import { mailSettings } from './delivery/outbox.js';
import { makeServices } from './services/index.js';
import { startPipelineQueue, startWorkerRole } from './pipeline/start-pipeline.js';
import { listenBotServer } from './bot/bot-server.js';
import { listenMetricsServer } from './metrics/metrics-server.js';
import { shutdownBudget } from './lib/shutdown-budget.js';
import { startBotRole, type BotRole } from './bot/start-bot-role.js';

export interface RunningLeadpilot {
  /** Where GraphQL is served, when the api role runs. */
  readonly graphqlUrl: string | undefined;
  /** Where a process without the api role serves /metrics (METRICS_PORT set). */
  readonly metricsUrl?: string | undefined;
  /** An admin key generated on this, the very first, start; shown once. */
  readonly generatedAdminKey: string | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  roles: readonly ServerRoleName[];
  logger: Logger;
  clock?: Clock;
  /** Replaces the configured model providers (the benchmark's slow model only). */
  provider?: LanguageModel;
}

/**
 * Starts the roles asked for on one database. If anything fails half-way, whatever was started
 * (the embedded server included) is stopped before the error is rethrown.
 */
export async function startLeadpilot(config: Config, options: StartOptions): Promise<RunningLeadpilot> {
  const { logger, roles } = options;
  const clock = options.clock ?? systemClock;
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error({ err: error }, 'error while shutting down');
      }
    }
  };

  try {
    // The agency file is checked before anything starts: a mistake in it names the path and field.
    const agency = loadAgencyConfig(config.agencyConfigPath);
    logger.info({ agency: agency.name, file: config.agencyConfigPath ?? 'the shipped default' }, 'agency configuration loaded');

    const database: OpenDatabase = await openDatabase(config, logger, { mode: 'serve', poolSize: config.databasePoolSize, applicationName: `leadpilot:${roles.join('+')}` });
    cleanups.push(() => database.close());
    logger.info({ database: database.description }, 'database connected');

    const applied = await migrateDatabase(database.dataSource);
    if (applied.length) logger.info({ applied }, 'migrations applied');

    // Every role publishes (services change rows); only the api role has subscribers to serve.
    const live = await createLivePubSub({ dataSource: database.dataSource, logger });
    cleanups.push(() => live.close());
    const queue = await startPipelineQueue(database.connectionString, config, logger.child({ component: 'jobs' }));
    // Stopped before the database closes: running steps finish (or are released) first.
    cleanups.push(() => queue.stop(shutdownBudget(config.shutdownGraceMs).jobDrainMs));
    const services = makeServices(database.dataSource, clock, live, queue, { settings: mailSettings(config), agency });
    const generatedAdminKey = await services.apiKeys.ensureBootstrapAdmin(config.adminApiKey);

    let graphqlUrl: string | undefined;
    let slackBot: BotRole | undefined;
    if (roles.includes('bot')) {
      slackBot = await startBotRole({
        config,
        roles,
        dataSource: database.dataSource,
        connectionString: database.connectionString,
        services,
        live,
        clock,
        logger,
        localApiUrl: () => {
          if (!graphqlUrl) throw new Error('the API is not listening yet');
          return graphqlUrl;
        },
      });
      if (slackBot) cleanups.push(() => slackBot!.stop());
    }

    if (roles.includes('worker')) {
      const worker = await startWorkerRole({ config, dataSource: database.dataSource, connectionString: database.connectionString, queue, agency, events: live, clock, logger, promptVersions: services.promptVersions, ...(options.provider ? { provider: options.provider } : {}) });
      cleanups.push(async () => worker.delivery.stop());
      cleanups.push(() => worker.integrations.stop());
      if (!config.mail.smtpUrl) logger.warn('SMTP_URL is not set: e-mails stay in the outbox (query outboundMessages)');
      logger.info({ concurrency: config.workerConcurrency, providers: config.llm.providers }, 'pipeline worker started');
    }

    if (roles.includes('api')) {
      const server: LeadpilotServer = await createServer({ config, dataSource: database.dataSource, services, logger, live, slackRouter: slackBot?.bot.router });
      cleanups.push(() => server.close());
      // Clicks still being answered call this server: they finish before it closes.
      if (slackBot) cleanups.push(() => slackBot!.bot.drain());
      const port = await server.listen(config.http.port, config.http.host);
      graphqlUrl = `http://${reachableHost(config.http.host)}:${port}/graphql`;
      logger.info({ url: graphqlUrl }, 'GraphQL API listening');
      if (slackBot) logger.info({ url: `http://${reachableHost(config.http.host)}:${port}/slack/events` }, 'Slack events served');
    } else if (slackBot) {
      const botServer = await listenBotServer(slackBot.bot.router, config.http.port, config.http.host, shutdownBudget(config.shutdownGraceMs).httpDrainMs);
      cleanups.push(() => botServer.close());
      cleanups.push(() => slackBot!.bot.drain());
      logger.info({ url: `http://${reachableHost(config.http.host)}:${botServer.port}/slack/events` }, 'Slack events served');
    }
    let metricsUrl: string | undefined;
    if (config.http.metricsPort !== undefined) {
      if (roles.includes('api')) {
        logger.warn({ port: config.http.metricsPort }, 'METRICS_PORT is ignored: the api role serves /metrics on PORT');
      } else {
        const metricsServer = await listenMetricsServer({ dataSource: database.dataSource, port: config.http.metricsPort, host: config.http.host });
        cleanups.push(() => metricsServer.close());
        metricsUrl = `http://${reachableHost(config.http.host)}:${metricsServer.port}/metrics`;
        logger.info({ url: metricsUrl }, 'metrics served');
      }
    }
    return { graphqlUrl, metricsUrl, generatedAdminKey, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A wildcard listen address is not one to call: this process reaches itself on loopback. */
function reachableHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}
