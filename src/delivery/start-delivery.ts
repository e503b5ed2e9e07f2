import type { DataSource } from 'typeorm';
import type { AgencyConfig } from '../agents/agency-config.js';
import type { LanguageModel } from '../agents/models/language-model.js';
import type { Config } from '../config.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import type { JobQueue, QueuePolicy } from '../pipeline/job-queue.js';
import type { DomainEvents } from '../services/domain-events.js';
import { ApproverNotices } from './approver-notices.js';
import { FollowUpScheduler } from './follow-up.scheduler.js';
import { createSmtpMailer, type Mailer } from './mailer.js';
import { DELIVERY_QUEUE, FOLLOW_UP_QUEUE, mailSettings, type DeliveryPayload, type DeliveryQueue, type FollowUpPayload } from './outbox.js';
import { OutboxDelivery } from './outbox-delivery.js';

/** How often the worker sweeps: due and stale messages, due follow-ups, approvers to tell. */
export const DEFAULT_SWEEP_INTERVAL_MS = 5_000;

/**
 * The delivery queue's job is one attempt; the message's own retries (backoff, attempts, last
 * error) live on its outbox row and are driven by the sweep, so the job itself is not retried.
 */
export const DELIVERY_QUEUE_POLICY: Partial<QueuePolicy> = { retryLimit: 0, expireInSeconds: 300 };
/** A follow-up job calls the follow-up writer (a model); retried a few times, the sweep is the backstop. */
export const FOLLOW_UP_QUEUE_POLICY: Partial<QueuePolicy> = { retryLimit: 3, retryDelaySeconds: 30, retryBackoff: true, expireInSeconds: 900 };

export interface SweepResult {
  sent: number;
  followUps: number;
  announced: number;
}

export interface DeliveryRole {
  /** Null without SMTP_URL: messages stay in the outbox. */
  readonly delivery: OutboxDelivery | null;
  readonly followUps: FollowUpScheduler;
  readonly approverNotices: ApproverNotices;
  /** One pass of the robust path; the worker runs it on an interval, specs call it with their clock. */
  sweep(): Promise<SweepResult>;
  stop(): void;
}

export interface DeliveryDependencies {
  config: Config;
  dataSource: DataSource;
  queue: Pick<JobQueue<Record<string, object>>, 'work'> & DeliveryQueue;
  agency: AgencyConfig;
  /** Writes the follow-ups (the follow-up agent); its offline rules when null. */
  model: LanguageModel | null;
  clock: Clock;
  events: DomainEvents;
  logger: Logger;
  /** 0: no interval (specs sweep by hand). */
  sweepIntervalMs?: number;
  /** Replaces the SMTP mailer (never in production). */
  mailer?: Mailer;
  /** False: no handler for delivery jobs, only the sweep delivers (specs that drive every step). */
  handleJobs?: boolean;
}

/** The worker role's e-mail part: the delivery job handler and the periodic sweep. */
export async function startDelivery(dependencies: DeliveryDependencies): Promise<DeliveryRole> {
  const { config, dataSource, queue, agency, clock, events } = dependencies;
  const logger = dependencies.logger.child({ component: 'delivery' });
  const settings = mailSettings(config);
  const mailer = dependencies.mailer ?? (config.mail.smtpUrl ? createSmtpMailer(config.mail.smtpUrl) : null);
  const delivery = mailer ? new OutboxDelivery({ dataSource, mailer, settings, agency, clock, events, logger, ...(config.mail.smtpUrl ? { smtpUrl: config.mail.smtpUrl } : {}), queue }) : null;
  const followUps = new FollowUpScheduler({ dataSource, settings, queue, agency, model: dependencies.model, clock, events, logger });
  const approverNotices = new ApproverNotices({ dataSource, settings, queue, agency, clock });

  if (delivery && dependencies.handleJobs !== false) {
    await queue.work(
      DELIVERY_QUEUE,
      async (payload) => {
        await delivery.deliver((payload as DeliveryPayload).messageId);
      },
      { concurrency: 4 },
    );
  }

  const sweep = async (): Promise<SweepResult> => {
    const followUpCount = await followUps.writeDue();
    const announced = await approverNotices.writeDue();
    const sent = delivery ? await delivery.deliverDue() : 0;
    return { sent, followUps: followUpCount, announced };
  };

  if (dependencies.handleJobs !== false) {
    await queue.work(FOLLOW_UP_QUEUE, async (payload) => {
      await followUps.writeDue((payload as FollowUpPayload).proposalId);
    });
  }

  let running: Promise<unknown> | null = null;
  const intervalMs = dependencies.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          if (running) return;
          running = sweep()
            .catch((error: unknown) => logger.error({ err: error }, 'outbox sweep failed'))
            .finally(() => {
              running = null;
            });
        }, intervalMs)
      : null;
  timer?.unref();

  return {
    delivery,
    followUps,
    approverNotices,
    sweep,
    stop() {
      if (timer) clearInterval(timer);
      mailer?.close();
    },
  };
}
