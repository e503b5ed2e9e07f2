import type { DataSource } from 'typeorm';
import type { AgentRunRecord, AgentRunRecorder } from './with-run-recording.js';

/** Runs one statement writes at most; more wait for the next. */
const MAX_BATCH = 100;

/**
 * Writes each run as one `agent_runs` row, in plain SQL, with the runs of concurrent calls in one
 * statement: every model call records one (16 per lead on the offline pipeline), and one INSERT
 * and commit each was the pipeline's most frequent statement. A run's `record` still resolves
 * only once its row is committed, so nothing a caller does after a call can overtake its record.
 *
 * The batching is group commit, not a timer: a run that finds no write in flight is written at
 * once (alone, when the system is quiet); runs recorded while one is in flight go together in the
 * next. A batch that fails is written again row by row, so one bad row (a lead erased meanwhile)
 * fails only its own call's record.
 */
export class TypeOrmAgentRunRecorder implements AgentRunRecorder {
  private pending: Pending[] = [];
  private writing = false;

  constructor(private readonly dataSource: DataSource) {}

  record(run: AgentRunRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ run, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      // The calls that finish in the same turn of the event loop join the first batch.
      await Promise.resolve();
      while (this.pending.length) {
        const batch = this.pending.splice(0, MAX_BATCH);
        await this.write(batch);
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      await this.insert(batch.map((entry) => entry.run));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const entry of batch) {
        try {
          await this.insert([entry.run]);
          entry.resolve();
        } catch (rowError) {
          entry.reject(rowError);
        }
      }
    }
  }

  /** One statement for any number of runs (one text, so it stays prepared): columns as arrays. */
  private async insert(runs: readonly AgentRunRecord[]): Promise<void> {
    const column = <T>(value: (run: AgentRunRecord) => T) => runs.map(value);
    await this.dataSource.query(
      `INSERT INTO agent_runs (lead_id, agent, strategy, provider, model, prompt_version, attempts, input_tokens, output_tokens, cost, latency_ms, status, error, created_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::int[], $9::int[], $10::numeric[], $11::int[], $12::text[], $13::text[], $14::timestamptz[])`,
      [
        column((run) => run.leadId),
        column((run) => run.agent),
        column((run) => run.strategy),
        column((run) => run.provider),
        column((run) => run.model),
        column((run) => run.promptVersion),
        column((run) => JSON.stringify(run.attempts)),
        column((run) => run.inputTokens),
        column((run) => run.outputTokens),
        column((run) => run.cost),
        column((run) => run.latencyMs),
        column((run) => run.status),
        column((run) => run.error),
        column((run) => run.createdAt),
      ],
    );
  }
}

interface Pending {
  readonly run: AgentRunRecord;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}
