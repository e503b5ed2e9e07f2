import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericTransformer } from '../database/transformers.js';

export interface AgentRunAttempt {
  provider: string;
  model: string | null;
  /** null when the attempt answered. */
  errorClass: string | null;
  message: string | null;
  latencyMs: number;
}

/** One call of an agent through the model layer, with every provider attempt it took. */
@Entity({ name: 'agent_runs' })
export class AgentRun {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  leadId!: string | null;

  @Column({ type: 'text' })
  agent!: string;

  @Column({ type: 'text' })
  strategy!: string;

  @Column({ type: 'text', nullable: true })
  provider!: string | null;

  @Column({ type: 'text', nullable: true })
  model!: string | null;

  @Column({ type: 'text', nullable: true })
  promptVersion!: string | null;

  @Column({ type: 'jsonb', default: [] })
  attempts!: AgentRunAttempt[];

  @Column({ type: 'integer', default: 0 })
  inputTokens!: number;

  @Column({ type: 'integer', default: 0 })
  outputTokens!: number;

  @Column({ type: 'numeric', precision: 12, scale: 6, default: 0, transformer: numericTransformer })
  cost!: number;

  @Column({ type: 'integer' })
  latencyMs!: number;

  @Column({ type: 'text' })
  status!: 'succeeded' | 'failed';

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
