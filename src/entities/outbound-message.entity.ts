import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { OutboundChannel, OutboundStatus } from './enums.js';

/**
 * The transactional outbox: written in the same transaction as the change that causes it,
 * delivered later by a worker. `messageId` stays the same across every retry.
 */
@Entity({ name: 'outbound_messages' })
export class OutboundMessage {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  leadId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  proposalId!: string | null;

  /** What it is: first_reply, decline, proposal, follow_up, approver_notice, crm_sync, … */
  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  channel!: OutboundChannel;

  @Column({ type: 'text', nullable: true })
  recipient!: string | null;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ type: 'jsonb', default: {} })
  payload!: Record<string, unknown>;

  @Column({ type: 'text', default: OutboundStatus.PENDING })
  status!: OutboundStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'text' })
  idempotencyKey!: string;

  @Column({ type: 'text', nullable: true })
  messageId!: string | null;

  /** Not to be delivered before this time (follow-ups, backoff). */
  @Column({ type: 'timestamptz' })
  availableAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
