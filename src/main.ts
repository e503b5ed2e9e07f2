import { loadAgencyConfig } from './agents/agency-config.js';
import type { Config, ServerRoleName } from './config.js';
import { migrateDatabase } from './database/migrate.js';
import { openDatabase, type OpenDatabase } from './database/open-database.js';
import { systemClock, type Clock } from './lib/clock.js';
import type { Logger } from './logger.js';
import type { LanguageModel } from './agents/models/language-model.js';
import { createLivePubSub } from './pubsub/live-pubsub.js';
import { createServer, type LeadpilotServer } from './server.js';
import { makeServices } from './services/index.js';
import { startPipelineQueue, startWorkerRole } from './pipeline/start-pipeline.js';

export interface RunningLeadpilot {
  /** Where GraphQL is served, when the api role runs. */
  readonly graphqlUrl: string | undefined;
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

/** Roles the build accepts but that later work fills in; they say so instead of failing. */
const ROLES_NOT_YET_BUILT: readonly ServerRoleName[] = ['bot'];

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

    const database: OpenDatabase = await openDatabase(config, logger, { mode: 'serve', applicationName: `leadpilot:${roles.join('+')}` });
    cleanups.push(() => database.close());
    logger.info({ database: database.description }, 'database connected');

    const applied = await migrateDatabase(database.dataSource);
    if (applied.length) logger.info({ applied }, 'migrations applied');

    // Every role publishes (services change rows); only the api role has subscribers to serve.
    const live = await createLivePubSub({ dataSource: database.dataSource, logger });
    cleanups.push(() => live.close());
    const queue = await startPipelineQueue(database.connectionString, config, logger.child({ component: 'jobs' }));
    // Stopped before the database closes: running steps finish (or are released) first.
    cleanups.push(() => queue.stop());
    const services = makeServices(database.dataSource, clock, live, queue, { mailTransportConfigured: Boolean(config.mail.smtpUrl) });
    const generatedAdminKey = await services.apiKeys.ensureBootstrapAdmin(config.adminApiKey);

    for (const role of roles.filter((name) => ROLES_NOT_YET_BUILT.includes(name))) {
      logger.warn({ role }, `the ${role} role is accepted but not built yet; it does nothing in this version`);
    }

    if (roles.includes('worker')) {
      await startWorkerRole({ config, dataSource: database.dataSource, queue, agency, events: live, clock, logger, promptVersions: services.promptVersions, ...(options.provider ? { provider: options.provider } : {}) });
      logger.info({ concurrency: config.workerConcurrency, providers: config.llm.providers }, 'pipeline worker started');
    }

    let graphqlUrl: string | undefined;
    if (roles.includes('api')) {
      const server: LeadpilotServer = await createServer({ config, dataSource: database.dataSource, services, logger, live });
      cleanups.push(() => server.close());
      const port = await server.listen(config.http.port, config.http.host);
      graphqlUrl = `http://${config.http.host}:${port}/graphql`;
      logger.info({ url: graphqlUrl }, 'GraphQL API listening');
    }
    return { graphqlUrl, generatedAdminKey, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
