import type { QueuePolicy } from './job-queue.js';

/**
 * The pipeline's durable jobs: one queue per step, each payload naming the lead and the
 * pipeline generation it belongs to. Payloads carry ids only: nothing personal sits in the queue
 * tables, which erasure does not reach.
 */
export interface LeadStep {
  leadId: string;
  /** The lead's pipeline run; a job of an earlier run does nothing. */
  generation: number;
}

/** A regeneration names the DRAFT revision the writer fills in; otherwise the writer adds one. */
export interface DraftStep extends LeadStep {
  draftId?: string;
}

export interface DesignStep extends DraftStep {
  designId: string;
}

export interface ProposalStep extends LeadStep {
  proposalId: string;
  /** Review rounds of this revision, from 1. */
  round: number;
}

export interface PipelinePayloads {
  'lead-intake': LeadStep;
  'lead-enrich': LeadStep;
  'lead-qualify': LeadStep;
  'lead-respond': LeadStep;
  'lead-requirements': LeadStep;
  'proposal-design': DraftStep;
  'proposal-estimate': DesignStep;
  'proposal-price': DesignStep;
  'proposal-write': DesignStep;
  'proposal-review': ProposalStep;
  /** Revises with the reviewer's findings of `round`, in place. */
  'proposal-revise': ProposalStep;
  /** Writes the next revision from a rejected one, with the approver's feedback. */
  'proposal-rework': ProposalStep;
  'proposal-contract': { proposalId: string };
  /** A step's job that failed its last attempt without its handler recording so (see PIPELINE_DEAD_LETTER_QUEUE). */
  'pipeline-dead-letter': object;
  [name: string]: object;
}

/**
 * Where a step's job goes when its last attempt ends without the handler having marked the lead
 * FAILED: the worker running it was killed or lost (its heartbeat lapsed), or it was stopped at
 * shutdown. Its handler marks the lead FAILED as a step's own last failure does.
 */
export const PIPELINE_DEAD_LETTER_QUEUE = 'pipeline-dead-letter';

export type PipelineStepName = Exclude<keyof PipelinePayloads, number>;

export const PIPELINE_STEPS = [
  'lead-intake',
  'lead-enrich',
  'lead-qualify',
  'lead-respond',
  'lead-requirements',
  'proposal-design',
  'proposal-estimate',
  'proposal-price',
  'proposal-write',
  'proposal-review',
  'proposal-revise',
  'proposal-rework',
  'proposal-contract',
] as const satisfies readonly PipelineStepName[];

export type PipelineStep = (typeof PIPELINE_STEPS)[number];

/** Every step's queue policy: retries with exponential backoff, then the lead is FAILED; and the dead-letter queue's. */
export function pipelineQueuePolicies(settings: { stepRetries: number; retryDelayMs: number; stepTimeoutMs: number }): Record<PipelineStep | typeof PIPELINE_DEAD_LETTER_QUEUE, Partial<QueuePolicy>> {
  const policy: Partial<QueuePolicy> = {
    deadLetter: PIPELINE_DEAD_LETTER_QUEUE,
    retryLimit: settings.stepRetries,
    retryDelaySeconds: Math.max(0, Math.round(settings.retryDelayMs / 1000)),
    retryBackoff: settings.retryDelayMs > 0,
    // Long enough for a model call's own retries and fallback (PIPELINE_STEP_TIMEOUT); a worker
    // that dies mid-step releases the job when it expires.
    expireInSeconds: Math.max(1, Math.round(settings.stepTimeoutMs / 1000)),
  };
  return {
    ...(Object.fromEntries(PIPELINE_STEPS.map((step) => [step, policy])) as Record<PipelineStep, Partial<QueuePolicy>>),
    // Marking a lead FAILED is one short transaction: the default retries cover a database blip.
    [PIPELINE_DEAD_LETTER_QUEUE]: {},
  };
}
