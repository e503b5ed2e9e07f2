import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

@ObjectType({ description: 'One event for one endpoint. Its id is the Leadpilot-Delivery header, the same on every attempt and replay.' })
@Entity({ name: 'webhook_deliveries' })
export class WebhookDelivery {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field(() => ID)
  @Column({ type: 'uuid' })
  endpointId!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  event!: string;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'uuid', nullable: true })
  leadId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  activityId!: string | null;

  @Field(() => GraphQLJSONObject)
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Field(() => String, { description: 'pending, delivered or failed.' })
  @Column({ type: 'text' })
  status!: WebhookDeliveryStatus;

  @Field(() => Int)
  @Column({ type: 'integer' })
  attempts!: number;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'integer', nullable: true })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  /** The attempt number a job was last enqueued for: the sweep enqueues each attempt once. */
  @Column({ type: 'integer', nullable: true })
  enqueuedAttempt!: number | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  firstAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
