import type { DataSource } from 'typeorm';
import type { AgentRunRecord, AgentRunRecorder } from './with-run-recording.js';

/**
 * Writes each run as one `agent_runs` row, in plain SQL: every model call records one, so the
 * query builder's work per insert (and its RETURNING of the generated id, which nobody reads) is
 * saved on the hot path.
 */
export class TypeOrmAgentRunRecorder implements AgentRunRecorder {
  constructor(private readonly dataSource: DataSource) {}

  async record(run: AgentRunRecord): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO agent_runs (lead_id, agent, strategy, provider, model, prompt_version, attempts, input_tokens, output_tokens, cost, latency_ms, status, error, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        run.leadId,
        run.agent,
        run.strategy,
        run.provider,
        run.model,
        run.promptVersion,
        JSON.stringify(run.attempts),
        run.inputTokens,
        run.outputTokens,
        run.cost,
        run.latencyMs,
        run.status,
        run.error,
        run.createdAt,
      ],
    );
  }
}
