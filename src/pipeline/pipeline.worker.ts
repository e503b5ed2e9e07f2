import { LeadStatus } from '../entities/enums.js';
import { returnedRows } from '../database/query-rows.js';
import { jobDuration } from '../metrics/metrics.js';
import type { JobQueue } from './job-queue.js';
import type { PipelineContext } from './pipeline-context.js';
import { PIPELINE_DEAD_LETTER_QUEUE, PIPELINE_STEPS, type PipelinePayloads, type PipelineStep } from './pipeline-jobs.js';
import { activity, StaleStepError } from './step-runner.js';
import { recordStep, stepKey } from './step-memo.js';
import { contractStep } from './steps/contract.step.js';
import { designStep } from './steps/design.step.js';
import { enrichStep } from './steps/enrich.step.js';
import { estimateStep } from './steps/estimate.step.js';
import { intakeStep } from './steps/intake.step.js';
import { priceStep } from './steps/price.step.js';
import { qualifyStep } from './steps/qualify.step.js';
import { requirementsStep } from './steps/requirements.step.js';
import { respondStep } from './steps/respond.step.js';
import { reviewStep } from './steps/review.step.js';
import { reviseStep, reworkStep } from './steps/revise.step.js';
import { writeStep } from './steps/write.step.js';

type Handler<Name extends PipelineStep> = (context: PipelineContext, payload: PipelinePayloads[Name], signal?: AbortSignal) => Promise<void>;

/** One handler per step; the compiler refuses a step without one. */
export const STEP_HANDLERS: { readonly [Name in PipelineStep]: Handler<Name> } = {
  'lead-intake': intakeStep,
  'lead-enrich': enrichStep,
  'lead-qualify': qualifyStep,
  'lead-respond': respondStep,
  'lead-requirements': requirementsStep,
  'proposal-design': designStep,
  'proposal-estimate': estimateStep,
  'proposal-price': priceStep,
  'proposal-write': writeStep,
  'proposal-review': reviewStep,
  'proposal-revise': reviseStep,
  'proposal-rework': reworkStep,
  'proposal-contract': contractStep,
};

/** Statuses a lead may fail from: the ones the pipeline is working in. */
const FAILABLE: readonly LeadStatus[] = [LeadStatus.NEW, LeadStatus.QUALIFYING, LeadStatus.IN_PROGRESS, LeadStatus.AWAITING_APPROVAL];

/**
 * Registers every step's handler on the queue. A step that throws is retried by the queue with
 * backoff; on its last attempt the lead is marked FAILED instead, with the step and the reason in
 * its activities and the step recorded so `retryLead` knows where to start again.
 */
export async function startPipelineWorker(
  context: PipelineContext,
  queue: Pick<JobQueue<PipelinePayloads>, 'work'>,
  options: { concurrency: number; stepRetries: number },
): Promise<void> {
  for (const step of PIPELINE_STEPS) {
    const handler = STEP_HANDLERS[step] as Handler<PipelineStep>;
    await queue.work(
      step,
      async (payload, job) => {
        const leadId = (payload as { leadId?: string }).leadId;
        // Every line a step logs names its lead and step.
        const jobContext: PipelineContext = { ...context, logger: context.logger.child({ leadId, step, jobId: job.id }) };
        const stopTimer = jobDuration.startTimer({ step });
        try {
          await handler(jobContext, payload, job.signal);
          stopTimer({ outcome: 'succeeded' });
        } catch (error) {
          if (error instanceof StaleStepError) {
            stopTimer({ outcome: 'stale' });
            return;
          }
          const final = job.retryCount >= options.stepRetries;
          stopTimer({ outcome: final ? 'failed' : 'retried' });
          jobContext.logger.warn({ err: error, retryCount: job.retryCount, final }, 'pipeline step failed');
          if (!final) throw error;
          await markFailed(jobContext, step, payload, error, job.retryCount + 1);
        }
      },
      { concurrency: options.concurrency },
    );
  }
  await queue.work(
    PIPELINE_DEAD_LETTER_QUEUE,
    async (payload, job) => {
      const from = job.deadLettered;
      const step = PIPELINE_STEPS.find((name) => name === from?.queue);
      if (!from || !step) {
        context.logger.error({ jobId: job.id, from: from?.queue }, 'a dead-lettered job from no pipeline step: left as it is');
        return;
      }
      const reason = lostAttemptReason(from.output);
      context.logger.warn({ leadId: (payload as { leadId?: string }).leadId, step, reason }, 'pipeline step lost on its last attempt');
      await markFailed({ ...context, logger: context.logger.child({ step, jobId: job.id }) }, step, payload, new LostAttemptError(reason), from.retryCount + 1);
    },
    { concurrency: 1, deadLetters: true },
  );
}

/** A step's last attempt that ended without its handler: killed, lost or stopped with the worker. */
class LostAttemptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LostAttemptError';
  }
}

/** The failed attempt's output: `{ message }` from this worker's own fail, `{ value: { message } }` from pg-boss's supervisor. */
function lostAttemptReason(output: unknown): string {
  const messageOf = (value: unknown) => (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string' ? (value as { message: string }).message : undefined);
  const message = messageOf(output) ?? messageOf((output as { value?: unknown } | null)?.value);
  return `the last attempt did not finish (${message ?? 'no reason recorded'}): its worker was stopped or lost`;
}

async function markFailed(context: PipelineContext, step: PipelineStep, payload: object, error: unknown, attempts: number): Promise<void> {
  const reason = describeFailure(error);
  if (step === 'proposal-contract') {
    // The deal is won whatever happens to its draft: recorded, and retried by hand.
    context.logger.error({ step, reason }, 'contract draft failed');
    return;
  }
  const { leadId, generation } = payload as { leadId: string; generation: number };
  await context.dataSource.transaction(async (manager) => {
    const rows = (await manager.query(
      `UPDATE leads SET status = 'failed', version = version + 1, updated_at = now()
        WHERE id = $1 AND pipeline_generation = $2 AND erased_at IS NULL AND status = ANY($3::text[]) RETURNING id`,
      [leadId, generation, [...FAILABLE]],
    )) as unknown;
    if (returnedRows(rows).length !== 1) return;
    await recordStep(manager, { leadId, generation, key: stepKey(generation, 'failed'), step: 'failed', output: { step, payload, reason, attempts } });
    await activity(manager, leadId, 'pipeline.failed', { step, reason, attempts }, 'system');
    await context.events.leadChanged(leadId, manager);
  });
}

/** What a person needs to know, never a stack or a secret: the model layer's messages are redacted already. */
export function describeFailure(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.length > 500 ? `${message.slice(0, 497)}...` : message;
}

