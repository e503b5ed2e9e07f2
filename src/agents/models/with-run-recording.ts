import type { z } from 'zod';
import {
  redactSecrets,
  toModelError,
  type GenerateObjectRequest,
  type GenerateObjectResult,
  type LanguageModel,
  type ModelAttempt,
  type ModelErrorClass,
} from './language-model.js';
import { silentLogger, type ModelLogger } from './model-logger.js';
import { estimateCost, type PriceTable } from './prices.js';

/** One attempt as stored in `agent_runs.attempts` (jsonb). */
export interface AgentRunAttempt {
  readonly provider: string;
  readonly model: string;
  readonly errorClass: ModelErrorClass | null;
  readonly message: string | null;
  readonly latencyMs: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** One row of `agent_runs`: one agent call through the model layer, whatever happened in it. */
export interface AgentRunRecord {
  readonly leadId: string | null;
  readonly agent: string;
  readonly strategy: string;
  /** The provider and model that answered; null when none did. */
  readonly provider: string | null;
  readonly model: string | null;
  readonly promptVersion: string | null;
  readonly attempts: readonly AgentRunAttempt[];
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Estimated, in USD, over every attempt. */
  readonly cost: number;
  readonly latencyMs: number;
  readonly status: 'succeeded' | 'failed';
  readonly error: string | null;
  readonly createdAt: Date;
}

/** The port the run records go through; the TypeORM one writes `agent_runs`. */
export interface AgentRunRecorder {
  record(run: AgentRunRecord): Promise<void>;
}

export interface RunRecordingOptions {
  readonly recorder: AgentRunRecorder;
  readonly prices: PriceTable;
  readonly logger?: ModelLogger;
  readonly now?: () => Date;
}

/**
 * Records every call, successful or not, with each attempt, tokens, estimated cost and latency.
 * A recorder failure is logged and never fails the call it describes.
 */
export function withRunRecording(model: LanguageModel, options: RunRecordingOptions): LanguageModel {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const warnedUnpriced = new Set<string>();

  const record = async (request: GenerateObjectRequest<z.ZodType>, outcome: Outcome) => {
    const { cost, unpriced } = estimateCost(outcome.attempts, options.prices);
    for (const name of unpriced) {
      if (warnedUnpriced.has(name)) continue;
      warnedUnpriced.add(name);
      logger.warn({ model: name }, 'no price for this model: its cost is recorded as 0 (set LLM_PRICES)');
    }
    const run: AgentRunRecord = {
      leadId: request.run?.leadId ?? null,
      agent: request.run?.agent ?? request.schemaName,
      strategy: request.run?.strategy ?? 'direct',
      provider: outcome.provider,
      model: outcome.model,
      promptVersion: request.run?.promptVersion ?? null,
      attempts: outcome.attempts.map(toRunAttempt),
      inputTokens: sum(outcome.attempts, (attempt) => attempt.usage.inputTokens),
      outputTokens: sum(outcome.attempts, (attempt) => attempt.usage.outputTokens),
      cost,
      latencyMs: outcome.latencyMs,
      status: outcome.error === null ? 'succeeded' : 'failed',
      error: outcome.error,
      createdAt: now(),
    };
    try {
      await options.recorder.record(run);
    } catch (caught) {
      const message = caught instanceof Error ? caught.message : String(caught);
      logger.warn({ agent: run.agent, status: run.status, error: message }, 'could not record the agent run');
    }
  };

  return {
    provider: model.provider,
    model: model.model,
    async generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
      const started = performance.now();
      try {
        const result = await model.generateObject(request);
        await record(request, { ...result, error: null });
        return result;
      } catch (caught) {
        const error = toModelError(caught, model.provider, model.model);
        await record(request, {
          provider: null,
          model: null,
          attempts: error.attempts,
          latencyMs: Math.round(performance.now() - started),
          error: redactSecrets(error.message),
        });
        throw error;
      }
    },
  };
}

interface Outcome {
  provider: string | null;
  model: string | null;
  attempts: readonly ModelAttempt[];
  latencyMs: number;
  error: string | null;
}

function toRunAttempt(attempt: ModelAttempt): AgentRunAttempt {
  return {
    provider: attempt.provider,
    model: attempt.model,
    errorClass: attempt.errorClass,
    message: attempt.message === null ? null : redactSecrets(attempt.message),
    latencyMs: attempt.latencyMs,
    inputTokens: attempt.usage.inputTokens,
    outputTokens: attempt.usage.outputTokens,
  };
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

/** Keeps runs in memory: for tests and for runs without a database (the evaluation's dry runs). */
export class MemoryAgentRunRecorder implements AgentRunRecorder {
  readonly runs: AgentRunRecord[] = [];
  async record(run: AgentRunRecord): Promise<void> {
    this.runs.push(run);
  }
}
