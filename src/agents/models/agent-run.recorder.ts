import type { DataSource } from 'typeorm';
import { AgentRun } from '../../entities/agent-run.entity.js';
import type { AgentRunRecord, AgentRunRecorder } from './with-run-recording.js';

/** Writes each run as one `agent_runs` row. */
export class TypeOrmAgentRunRecorder implements AgentRunRecorder {
  constructor(private readonly dataSource: DataSource) {}

  async record(run: AgentRunRecord): Promise<void> {
    await this.dataSource.getRepository(AgentRun).insert({
      leadId: run.leadId,
      agent: run.agent,
      strategy: run.strategy,
      provider: run.provider,
      model: run.model,
      promptVersion: run.promptVersion,
      attempts: run.attempts.map((attempt) => ({ ...attempt })),
      inputTokens: run.inputTokens,
      outputTokens: run.outputTokens,
      cost: run.cost,
      latencyMs: run.latencyMs,
      status: run.status,
      error: run.error,
      createdAt: run.createdAt,
    });
  }
}
