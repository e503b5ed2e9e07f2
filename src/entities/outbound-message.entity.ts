import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { OutboundChannel, OutboundStatus } from './enums.js';

/**
 * The transactional outbox: written in the same transaction as the change that causes it,
 * delivered later by a worker. `messageId` stays the same across every retry.
 */
@ObjectType({ description: 'A message in the outbox: an e-mail or CRM update, written with the change that caused it and delivered by a worker.' })
@Entity({ name: 'outbound_messages' })
export class OutboundMessage {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'uuid', nullable: true })
  leadId!: string | null;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'uuid', nullable: true })
  proposalId!: string | null;

  /** What it is: first_reply, decline, proposal, follow_up, approver_notice, crm_sync, … */
  @Field(() => String, { description: 'first_reply, proposal, follow_up, approver_notice, crm_sync, …' })
  @Column({ type: 'text' })
  kind!: string;

  @Field(() => OutboundChannel)
  @Column({ type: 'text' })
  channel!: OutboundChannel;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  recipient!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Field(() => GraphQLJSONObject, { description: 'What is delivered: for e-mail { text, language, … }.' })
  @Column({ type: 'jsonb', default: {} })
  payload!: Record<string, unknown>;

  @Field(() => OutboundStatus)
  @Column({ type: 'text', default: OutboundStatus.PENDING })
  status!: OutboundStatus;

  @Field(() => Int)
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'text' })
  idempotencyKey!: string;

  @Field(() => String, { nullable: true, description: 'The Message-ID header: the same on every delivery attempt.' })
  @Column({ type: 'text', nullable: true })
  messageId!: string | null;

  /** When a worker claimed it for sending; a claim older than the claim timeout is taken over (a crashed worker). */
  @Column({ type: 'timestamptz', nullable: true })
  claimedAt!: Date | null;

  /** SHA-256 of the unsubscribe token in the message's link; the token itself is only in the message. */
  @Column({ type: 'text', nullable: true })
  unsubscribeTokenHash!: string | null;

  /** Not to be delivered before this time (follow-ups, backoff). */
  @Field(() => Date, { description: 'Not delivered before this time.' })
  @Column({ type: 'timestamptz' })
  availableAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
