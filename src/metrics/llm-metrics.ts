import type { AgentRunRecord, AgentRunRecorder } from '../agents/models/with-run-recording.js';
import { llmCallDuration, llmCalls } from './metrics.js';

/**
 * The run recorder, also counting each provider attempt of the run on /metrics. The run record is
 * where every attempt (retries and fallbacks included) is already gathered, so the metrics agree
 * with agent_runs.
 */
export function withLlmMetrics(recorder: AgentRunRecorder): AgentRunRecorder {
  return {
    record: async (run: AgentRunRecord) => {
      for (const attempt of run.attempts) {
        const labels = { provider: attempt.provider, model: attempt.model || 'unknown', outcome: attempt.errorClass ?? 'ok' };
        llmCalls.inc(labels);
        llmCallDuration.observe(labels, attempt.latencyMs / 1000);
      }
      await recorder.record(run);
    },
  };
}
