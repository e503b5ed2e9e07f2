import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@ObjectType({ description: 'An outgoing webhook subscription. Its signing secret is shown once, at creation.' })
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpoint {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  url!: string;

  @Field(() => [String], { description: 'Event names in lower snake, e.g. proposal.approved.' })
  @Column({ type: 'text', array: true })
  events!: string[];

  /** Needed to sign every delivery, so kept as given; never exposed after creation (no @Field). */
  @Column({ type: 'text', select: false })
  secret!: string;

  @Field(() => Boolean)
  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Field(() => Date, { nullable: true, description: 'Since when every attempt has failed; cleared by a success.' })
  @Column({ type: 'timestamptz', nullable: true })
  failingSince!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  disabledReason!: string | null;

  @Field(() => String)
  @Column({ type: 'text' })
  createdBy!: string;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
