import { App, ExpressReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import type { Clock } from '../lib/clock.js';
import { WorkLane } from '../lib/work-lane.js';
import type { Logger } from '../logger.js';
import { startJobQueue, type JobQueue } from '../pipeline/job-queue.js';
import { LiveTopic } from '../pubsub/live-topics.js';
import type { LivePubSub } from '../pubsub/live-pubsub.js';
import { HeadlineKpiService } from '../services/headline-kpis.service.js';
import type { ProposalService } from '../services/proposal.service.js';
import { loadAgencyConfig } from '../agents/agency-config.js';
import { analyseKpis } from '../agents/analyse-kpis.agent.js';
import { TypeOrmAgentRunRecorder } from '../agents/models/agent-run.recorder.js';
import { createLanguageModel } from '../agents/models/create-language-model.js';
import { staleFollowUps, sweepApprovals, type SweepResult } from './approval-sweep.js';
import type { BotContext } from './bot-context.js';
import { syncCard, type CardSyncDependencies } from './card-sync.job.js';
import { claimDigest, dueDigestDay, postDigest, type DigestDependencies } from './daily-digest.js';
import { followUpDecidable, proposalDecidable, type Decidable } from './decidables.js';
import { followUpCardKind } from './follow-up-card-kind.js';
import type { LeadpilotApiClient } from './leadpilot-api.client.js';
import { registerApproveAction } from './listeners/approve.action.js';
import { registerRejectAction } from './listeners/reject.action.js';
import { registerRejectFeedbackView } from './listeners/reject-feedback.view.js';
import { registerLeadpilotCommand } from './listeners/leadpilot.command.js';
import { registerViewAction } from './listeners/view.action.js';
import { proposalCardKind } from './proposal-card-kind.js';
import { SlackPostStore } from './slack-post.store.js';
import { quietLogger, SlackPoster } from './slack-poster.js';
import { SLACK_QUEUE_POLICIES, type SlackPayloads, type SlackSyncPayload } from './slack-jobs.js';

/**
 * How many interactions of a kind (those that open a modal; decisions and the rest) are worked on
 * at once after their acks; more wait their turn, in order, costing only their closures.
 * Unbounded, a burst of clicks had each new ack wait behind every decision begun before it in the
 * same process: the quiet bench round's ack p99 went from 45–90 ms to 18–31 ms with four (eight:
 * 39–69 ms). It also keeps a burst from taking every connection of the process's pool.
 */
const AFTER_ACK_CONCURRENCY = 4;

/** The Slack settings the bot cannot run without. */
export interface SlackSettings {
  botToken: string;
  signingSecret: string;
  approvalChannel: string;
  apiUrl?: string | undefined;
  approverIds: readonly string[];
}

export interface SlackBotDependencies {
  config: Config;
  slack: SlackSettings;
  dataSource: DataSource;
  /** The database the bot's job queue lives in. */
  connectionString: string;
  proposals: Pick<ProposalService, 'approvalQueue' | 'expireApproval'>;
  live: Pick<LivePubSub, 'subscribe'>;
  api: LeadpilotApiClient;
  clock: Clock;
  logger: Logger;
  /** Slack's pace for one channel is about a message a second; tests pass 0. */
  minimumPostIntervalMs?: number;
  /** How often the reconciliation sweep runs (reminders and expiry are only as punctual as this). */
  sweepIntervalMs?: number;
}

export interface SlackBot {
  /** Serves POST /slack/events (Bolt verifies the signature over the raw body): mount it on an express app. */
  readonly router: Router;
  /** The reconciliation sweep, run at start and every sweepIntervalMs; tests call it with their clock. */
  sweep(): Promise<SweepResult>;
  /** Waits for the interactions still being answered after their ack. */
  drain(): Promise<void>;
  /** Stops the event listener, the sweep and the card jobs (running ones finish). */
  stop(): Promise<void>;
}

/**
 * The Slack bot: the Bolt app on an ExpressReceiver (mounted by the caller), the card job, the
 * listener that turns proposal changes into card jobs, and the periodic sweep.
 */
export async function startSlackBot(deps: SlackBotDependencies): Promise<SlackBot> {
  const logger = deps.logger.child({ component: 'slack-bot' });
  const { slack } = deps;
  const posts = new SlackPostStore(deps.dataSource);
  const pending = new Set<Promise<void>>();
  // Work that opens a modal has a lane of its own: its trigger_id lasts three seconds, so it must
  // not wait behind decisions held up by a slow API or database.
  const lanes = { modals: new WorkLane(AFTER_ACK_CONCURRENCY), rest: new WorkLane(AFTER_ACK_CONCURRENCY) };
  const afterAck: BotContext['afterAck'] = (label, work, options = {}) => {
    const task = (options.opensModal ? lanes.modals : lanes.rest).run(work)
      .catch((error: unknown) => logger.error({ err: error, listener: label }, 'a Slack interaction failed after its ack'))
      .finally(() => pending.delete(task));
    pending.add(task);
  };

  const receiver = new ExpressReceiver({
    signingSecret: slack.signingSecret,
    endpoints: '/slack/events',
    processBeforeResponse: true,
    bodyLimit: deps.config.bodyLimits.webhook,
    logger: quietLogger(logger),
  });
  const clientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    timeout: 10_000,
    // Views and ephemeral answers: a few quick retries; 429s wait for Retry-After.
    retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 4_000, randomize: true },
    logger: quietLogger(logger),
  };
  // Who the bot is, asked once here: Bolt would otherwise ask on its own, and a failure of that
  // early call would surface as an unhandled rejection. Slack unreachable at start does not stop
  // the process: Bolt then asks on the first event.
  const identity = await new WebClient(slack.botToken, { ...clientOptions, retryConfig: { retries: 1 } }).auth.test().then(
    (result) => (result.user_id && result.bot_id ? { botUserId: result.user_id, botId: result.bot_id } : undefined),
    (error: unknown) => {
      logger.warn({ err: error }, 'Slack auth.test failed at start; Bolt will try again on the first event');
      return undefined;
    },
  );
  const app = new App({
    token: slack.botToken,
    receiver,
    logger: quietLogger(logger),
    clientOptions,
    ...(identity ?? { tokenVerificationEnabled: false }),
  });
  app.error(async (error) => {
    logger.error({ err: error }, 'Slack listener error');
  });

  const context: BotContext = {
    dataSource: deps.dataSource,
    posts,
    api: deps.api,
    proposals: deps.proposals,
    headlines: new HeadlineKpiService(deps.dataSource, deps.clock),
    approverIds: slack.approverIds,
    publicUrl: publicUrlOf(deps.config),
    followUpOffsetsMs: deps.config.followUps.offsetsMs,
    clock: deps.clock,
    logger,
    client: app.client,
    afterAck,
  };
  registerDecisionListeners(app, context, proposalDecidable);
  registerDecisionListeners(app, context, followUpDecidable);
  registerLeadpilotCommand(app, context);

  const queue: JobQueue<SlackPayloads> = await startJobQueue<SlackPayloads>({
    connectionString: deps.connectionString,
    logger: logger.child({ component: 'slack-jobs' }),
    queues: SLACK_QUEUE_POLICIES,
    poolSize: 3,
    heartbeatMs: deps.config.jobs.heartbeatMs,
    superviseIntervalSeconds: 60,
  });
  const cleanups: (() => Promise<void>)[] = [() => queue.stop(5_000)];
  try {
    const poster = new SlackPoster({ token: slack.botToken, apiUrl: slack.apiUrl, logger, minimumPostIntervalMs: deps.minimumPostIntervalMs ?? 1_000 });
    const syncDeps: CardSyncDependencies = {
      dataSource: deps.dataSource,
      posts,
      poster,
      channel: slack.approvalChannel,
      clock: deps.clock,
      approval: deps.config.approval,
      followUpOffsetsMs: deps.config.followUps.offsetsMs,
      publicUrl: publicUrlOf(deps.config),
      logger,
    };
    const followUpKind = followUpCardKind(deps.config.followUps.offsetsMs);
    const digestDeps = digestDependencies(deps, poster, context.headlines, logger);
    await queue.work(
      'slack-sync',
      (payload) => {
        if ('digestDay' in payload) return postDigest(digestDeps, payload.digestDay);
        if ('outboundMessageId' in payload) return syncCard(syncDeps, followUpKind, payload.outboundMessageId);
        return syncCard(syncDeps, proposalCardKind, payload.proposalId);
      },
      { concurrency: 1 },
    );
    const enqueue = async (payload: SlackSyncPayload) => {
      await queue.enqueue('slack-sync', payload);
    };
    const enqueueSync = (proposalId: string) => enqueue({ proposalId });

    // Every committed proposal change, from any process, becomes a card job.
    const changes = deps.live.subscribe(LiveTopic.PROPOSAL_CHANGED);
    const listening = (async () => {
      for await (const change of changes) {
        await enqueueSync(change.id).catch((error: unknown) => logger.error({ err: error, proposalId: change.id }, 'could not enqueue a card job; the sweep will'));
      }
    })();
    cleanups.push(async () => {
      await changes.return(undefined);
      await listening;
    });

    // The outbox announces every follow-up change as a change of its lead (written, decided,
    // cancelled by a reply, an outcome, an unsubscribe or an erasure): the lead's follow-ups whose
    // cards are behind get a card job.
    const leadChanges = deps.live.subscribe(LiveTopic.LEAD_CHANGED);
    const listeningToLeads = (async () => {
      for await (const change of leadChanges) {
        try {
          const remindBefore = new Date(deps.clock.now().getTime() - deps.config.approval.reminderAfterMs);
          for (const id of await staleFollowUps(deps.dataSource, remindBefore, change.id)) await enqueue({ outboundMessageId: id });
        } catch (error) {
          logger.error({ err: error, leadId: change.id }, "could not enqueue a follow-up's card job; the sweep will");
        }
      }
    })();
    cleanups.push(async () => {
      await leadChanges.return(undefined);
      await listeningToLeads;
    });

    const sweep = () =>
      sweepApprovals({
        dataSource: deps.dataSource,
        clock: deps.clock,
        proposals: deps.proposals,
        approval: deps.config.approval,
        enqueue,
        claimDigest: async () => {
          const day = dueDigestDay(deps.clock.now(), deps.config.digestAt);
          if (!day) return null;
          const claimed = await claimDigest(deps.dataSource, day, slack.approvalChannel, (payload, manager) => queue.enqueue('slack-sync', payload, { manager }));
          return claimed ? day : null;
        },
        logger,
      });
    await sweep();
    const interval = setInterval(() => {
      sweep().catch((error: unknown) => logger.error({ err: error }, 'the approval sweep failed; it runs again'));
    }, deps.sweepIntervalMs ?? 60_000);
    interval.unref();
    cleanups.push(async () => clearInterval(interval));
    logger.info({ channel: slack.approvalChannel, approvers: slack.approverIds.length || 'anyone' }, 'Slack bot started');

    return {
      router: receiver.router,
      sweep,
      drain: async () => {
        while (pending.size > 0) await Promise.allSettled([...pending]);
      },
      stop: async () => {
        for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => logger.error({ err: error }, 'error while stopping the Slack bot'));
        await Promise.allSettled([...pending]);
      },
    };
  } catch (error) {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    throw error;
  }
}

/** Approve, Reject (its modal) and View of one kind of card. */
function registerDecisionListeners<Subject>(app: App, context: BotContext, decidable: Decidable<Subject>): void {
  registerApproveAction(app, context, decidable);
  registerRejectAction(app, context, decidable);
  registerRejectFeedbackView(app, context, decidable);
  registerViewAction(app, context, decidable);
}

/** The digest's numbers and analyst: the KPI analyst agent on the configured models (offline rules without one). */
function digestDependencies(deps: SlackBotDependencies, poster: SlackPoster, headlines: HeadlineKpiService, logger: Logger): DigestDependencies {
  let analyst: ReturnType<typeof createLanguageModel> | undefined;
  const agency = loadAgencyConfig(deps.config.agencyConfigPath);
  return {
    dataSource: deps.dataSource,
    poster,
    clock: deps.clock,
    approval: deps.config.approval,
    dayKpis: (day) => headlines.forDay(day),
    analyse: async (input) => {
      analyst ??= createLanguageModel(deps.config.llm, { recorder: new TypeOrmAgentRunRecorder(deps.dataSource), logger: logger.child({ component: 'models' }), clock: deps.clock });
      return (await analyseKpis(analyst.model, input, agency)).object;
    },
    logger,
  };
}

/** PUBLIC_URL when it was set explicitly; otherwise there is no address people can reach. */
function publicUrlOf(config: Config): string | undefined {
  return config.http.publicUrlSet ? config.http.publicUrl : undefined;
}
