import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import type { JobQueue, QueuePolicy } from '../pipeline/job-queue.js';
import { createPostgresListener, type PostgresListener } from '../pubsub/postgres-listener.js';
import { createAdminNotifier, type AdminNotifier } from './admin-notifier.js';
import type { AgencyConfig } from '../agents/agency-config.js';
import type { LanguageModel } from '../agents/models/language-model.js';
import { createHubSpotClient } from './hubspot/hubspot.client.js';
import { HUBSPOT_QUEUE, HubSpotSync, type HubSpotSyncPayload } from './hubspot/hubspot-sync.js';
import { HUBSPOT_RATE, RateBucket } from './hubspot/rate-bucket.js';
import { WEBHOOK_QUEUE, WebhookDispatcher, type WebhookDeliveryPayload, type WebhookRetryPolicy } from './webhooks-out/webhook-dispatcher.js';

/** How often the worker looks for due webhook attempts (new ones also wake it by NOTIFY). */
export const DEFAULT_INTEGRATIONS_SWEEP_INTERVAL_MS = 5_000;

/** One job is one attempt; the retries live on the delivery row (backoff over 24 h), so the job itself is not retried. */
export const WEBHOOK_QUEUE_POLICY: Partial<QueuePolicy> = { retryLimit: 0, expireInSeconds: 120 };

/** A sync job is one attempt for one lead; its retries live on the crm_links row. */
export const HUBSPOT_QUEUE_POLICY: Partial<QueuePolicy> = { retryLimit: 0, expireInSeconds: 300 };

export interface IntegrationsRole {
  readonly webhooks: WebhookDispatcher;
  /** Null without HUBSPOT_TOKEN. */
  readonly hubspot: HubSpotSync | null;
  /** One pass: due webhook attempts into the queue. */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

export interface IntegrationsDependencies {
  config: Config;
  dataSource: DataSource;
  queue: Pick<JobQueue<Record<string, object>>, 'work' | 'enqueue'>;
  clock: Clock;
  logger: Logger;
  /** For LISTEN (new deliveries wake the sweep); without it only the interval sweeps. */
  connectionString?: string;
  /** 0: no interval (specs sweep by hand). */
  sweepIntervalMs?: number;
  notifier?: AdminNotifier;
  webhookRetry?: Partial<WebhookRetryPolicy>;
  random?: () => number;
  /** For the CRM summariser's notes. */
  agency: AgencyConfig;
  model: LanguageModel | null;
}

/** The worker role's integrations part: outgoing webhooks (and the HubSpot sync when configured). */
export async function startIntegrations(dependencies: IntegrationsDependencies): Promise<IntegrationsRole> {
  const { config, dataSource, queue, clock } = dependencies;
  const logger = dependencies.logger.child({ component: 'integrations' });
  const notifier = dependencies.notifier ?? createAdminNotifier(config, logger);
  const webhooks = new WebhookDispatcher({
    dataSource,
    queue,
    clock,
    logger: logger.child({ part: 'webhooks' }),
    notifier,
    ...(dependencies.webhookRetry ? { retry: dependencies.webhookRetry } : {}),
    ...(dependencies.random ? { random: dependencies.random } : {}),
  });
  await queue.work(
    WEBHOOK_QUEUE,
    async (payload) => {
      await webhooks.attempt((payload as WebhookDeliveryPayload).deliveryId);
    },
    { concurrency: 4 },
  );

  let hubspot: HubSpotSync | null = null;
  if (config.hubspot.token) {
    const client = createHubSpotClient({
      token: config.hubspot.token,
      baseUrl: config.hubspot.baseUrl,
      bucket: new RateBucket(dataSource, HUBSPOT_RATE),
      logger: logger.child({ part: 'hubspot' }),
    });
    hubspot = new HubSpotSync({ dataSource, hubspot: client, queue, clock, logger: logger.child({ part: 'hubspot' }), model: dependencies.model, agency: dependencies.agency, publicUrl: config.http.publicUrl });
    const sync = hubspot;
    await queue.work(
      HUBSPOT_QUEUE,
      async (payload) => {
        await sync.sync((payload as HubSpotSyncPayload).leadId);
      },
      { concurrency: 4 },
    );
  }

  const sweep = async () => {
    await webhooks.sweep();
    await hubspot?.sweep();
  };

  let running: Promise<unknown> | null = null;
  let again = false;
  const kick = () => {
    if (running) {
      again = true;
      return;
    }
    running = sweep()
      .catch((error: unknown) => logger.error({ err: error }, 'integrations sweep failed'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          kick();
        }
      });
  };
  const intervalMs = dependencies.sweepIntervalMs ?? DEFAULT_INTEGRATIONS_SWEEP_INTERVAL_MS;
  const timer = intervalMs > 0 ? setInterval(kick, intervalMs) : null;
  timer?.unref();
  let listener: PostgresListener | undefined;
  if (intervalMs > 0 && dependencies.connectionString) {
    listener = createPostgresListener({ connectionString: dependencies.connectionString, channel: 'leadpilot_webhooks', logger, onNotification: kick });
    await listener.start();
  }

  return {
    webhooks,
    hubspot,
    sweep,
    async stop() {
      if (timer) clearInterval(timer);
      await listener?.close();
      await running;
    },
  };
}
