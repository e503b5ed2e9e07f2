import type { DataSource } from 'typeorm';
import type { AgencyConfig } from '../agents/agency-config.js';
import { TypeOrmAgentRunRecorder } from '../agents/models/agent-run.recorder.js';
import { createLanguageModel, type ModelStack } from '../agents/models/create-language-model.js';
import type { LanguageModel } from '../agents/models/language-model.js';
import { makePriceTable } from '../agents/models/prices.js';
import { withRunRecording } from '../agents/models/with-run-recording.js';
import type { Config } from '../config.js';
import { withLlmMetrics } from '../metrics/llm-metrics.js';
import { trackBreakers } from '../metrics/metrics.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import type { DomainEvents } from '../services/domain-events.js';
import { startJobQueue, type JobQueue } from './job-queue.js';
import { DELIVERY_QUEUE, FOLLOW_UP_QUEUE } from '../delivery/outbox.js';
import { DELIVERY_QUEUE_POLICY, FOLLOW_UP_QUEUE_POLICY, startDelivery, type DeliveryRole } from '../delivery/start-delivery.js';
import { mailSettings } from '../delivery/outbox.js';
import { promptVersionedModels, type PipelineContext } from './pipeline-context.js';
import type { PromptVersionService } from '../services/prompt-version.service.js';
import { pipelineQueuePolicies, type PipelinePayloads } from './pipeline-jobs.js';
import { startPipelineWorker } from './pipeline.worker.js';
import { HUBSPOT_QUEUE_POLICY, startIntegrations, WEBHOOK_QUEUE_POLICY, type IntegrationsRole } from '../integrations/start-integrations.js';
import { HUBSPOT_QUEUE } from '../integrations/hubspot/hubspot-sync.js';
import { WEBHOOK_QUEUE } from '../integrations/webhooks-out/webhook-dispatcher.js';
import type { AdminNotifier } from '../integrations/admin-notifier.js';

/** The queue every role enqueues on; its tables live in the application's database (schema pgboss). */
export function startPipelineQueue(connectionString: string, config: Config, logger: Logger): Promise<JobQueue<PipelinePayloads>> {
  return startJobQueue<PipelinePayloads>({
    connectionString,
    logger,
    queues: { ...pipelineQueuePolicies(config.pipeline), [DELIVERY_QUEUE]: DELIVERY_QUEUE_POLICY, [FOLLOW_UP_QUEUE]: FOLLOW_UP_QUEUE_POLICY, [WEBHOOK_QUEUE]: WEBHOOK_QUEUE_POLICY, [HUBSPOT_QUEUE]: HUBSPOT_QUEUE_POLICY },
    // Each step's local concurrency draws on this pool.
    poolSize: Math.min(20, Math.max(4, Math.ceil(config.workerConcurrency / 2) + 2)),
    heartbeatMs: config.jobs.heartbeatMs,
    superviseIntervalSeconds: superviseIntervalSeconds(config),
  });
}

/**
 * Silent and expired jobs (a killed worker's) are released when the queue is next supervised: at
 * least twice per heartbeat and per step timeout, at most every minute. Any process on the
 * database may do it, so a dead worker's jobs come back within about 1.5 heartbeats.
 */
export function superviseIntervalSeconds(config: Pick<Config, 'jobs' | 'pipeline'>): number {
  return Math.min(60, Math.max(1, Math.floor(Math.min(config.pipeline.stepTimeoutMs, config.jobs.heartbeatMs) / 2000)));
}

export interface WorkerDependencies {
  config: Config;
  dataSource: DataSource;
  queue: JobQueue<PipelinePayloads>;
  agency: AgencyConfig;
  events: DomainEvents;
  clock: Clock;
  logger: Logger;
  /** Chooses the prompt version per agent and lead (A/B experiments). */
  promptVersions: Pick<PromptVersionService, 'choose'>;
  /**
   * Replaces the provider chain of `config.llm` (the benchmark's slow model); every call is still
   * recorded in agent_runs. Production never sets it.
   */
  provider?: LanguageModel;
  /** How often the outbox is swept; 0 for none (specs sweep by hand). */
  deliverySweepIntervalMs?: number;
  /** Where the integrations LISTEN for new webhook deliveries. */
  connectionString?: string;
  /** How often webhook attempts are swept; 0 for none (specs sweep by hand). */
  integrationsSweepIntervalMs?: number;
  /** Replaces the Slack/log admin notices (specs). */
  notifier?: AdminNotifier;
}

/** The worker role: the model chain (recording every call in agent_runs), a handler per step, and e-mail delivery. */
export async function startWorkerRole(dependencies: WorkerDependencies): Promise<{ models: ModelStack; delivery: DeliveryRole; integrations: IntegrationsRole }> {
  const { config, dataSource, queue, logger, clock } = dependencies;
  const recorder = withLlmMetrics(new TypeOrmAgentRunRecorder(dataSource));
  const modelLogger = logger.child({ component: 'models' });
  const stack: ModelStack = dependencies.provider
    ? { model: withRunRecording(dependencies.provider, { recorder, prices: makePriceTable(config.llm.prices), logger: modelLogger, now: () => clock.now() }), circuits: [] }
    : createLanguageModel(config.llm, { recorder, logger: modelLogger, clock });
  trackBreakers(stack.circuits);
  const context: PipelineContext = {
    dataSource,
    queue,
    agency: dependencies.agency,
    models: promptVersionedModels(stack.model, dependencies.promptVersions),
    clock,
    events: dependencies.events,
    logger: logger.child({ component: 'pipeline' }),
    mail: mailSettings(config),
  };
  await startPipelineWorker(context, queue, { concurrency: config.workerConcurrency, stepRetries: config.pipeline.stepRetries });
  const delivery = await startDelivery({
    config,
    dataSource,
    queue,
    agency: dependencies.agency,
    model: stack.model,
    clock,
    events: dependencies.events,
    logger,
    ...(dependencies.deliverySweepIntervalMs !== undefined ? { sweepIntervalMs: dependencies.deliverySweepIntervalMs } : {}),
  });
  const integrations = await startIntegrations({
    config,
    agency: dependencies.agency,
    model: stack.model,
    dataSource,
    queue,
    clock,
    logger,
    ...(dependencies.connectionString ? { connectionString: dependencies.connectionString } : {}),
    ...(dependencies.integrationsSweepIntervalMs !== undefined ? { sweepIntervalMs: dependencies.integrationsSweepIntervalMs } : {}),
    ...(dependencies.notifier ? { notifier: dependencies.notifier } : {}),
  });
  return { models: stack, delivery, integrations };
}
