import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { Language, LeadSource, LeadStatus, Priority } from './enums.js';
import { numericTransformer } from '../database/transformers.js';

// simpleResolvers: its fields carry no @Authorized or middleware, so graphql-js reads the property
// itself instead of type-graphql's per-field wrapper (an allocation per field of every row read).
@ObjectType({ description: 'A person or company that asked the agency for something.', simpleResolvers: true })
@Entity({ name: 'leads' })
export class Lead {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  name!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  email!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  company!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  website!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Field(() => String, { description: 'What the lead wrote. Untrusted text: render it as text, never as HTML.' })
  @Column({ type: 'text' })
  message!: string;

  @Field(() => Float, { nullable: true, description: 'Budget the lead stated, in EUR.' })
  @Column({ type: 'numeric', precision: 14, scale: 2, nullable: true, transformer: numericTransformer })
  budget!: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  timeline!: string | null;

  @Field(() => Language)
  @Column({ type: 'text' })
  language!: Language;

  @Field(() => LeadSource)
  @Column({ type: 'text' })
  source!: LeadSource;

  @Field(() => LeadStatus)
  @Column({ type: 'text', default: LeadStatus.NEW })
  status!: LeadStatus;

  @Field(() => Int, { nullable: true, description: 'How well the lead fits the agency, 0 to 100.' })
  @Column({ type: 'integer', nullable: true })
  fitScore!: number | null;

  @Field(() => Priority, { nullable: true })
  @Column({ type: 'text', nullable: true })
  priority!: Priority | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  nextAction!: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: "The qualification's reasons and reasoning. Internal: never shown to the customer.",
  })
  @Column({ type: 'jsonb', nullable: true })
  scoreDetails!: Record<string, unknown> | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  qualificationDate!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the first reply was accepted by the mail server (without SMTP: written to the outbox).',
  })
  @Column({ type: 'timestamptz', nullable: true })
  firstResponseAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  idempotencyKey!: string | null;

  /** Hash of the submitted input: same idempotency key with other input is a conflict. */
  @Column({ type: 'text', nullable: true })
  inputHash!: string | null;

  /** The pipeline run the lead is on; requalify, retry and regenerate start the next (stale jobs then do nothing). */
  @Column({ type: 'integer', default: 1 })
  pipelineGeneration!: number;

  @Field(() => Date, { nullable: true, description: 'Set when the personal data was erased.' })
  @Column({ type: 'timestamptz', nullable: true })
  erasedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the lead unsubscribed: no automated mail goes out after it.' })
  @Column({ type: 'timestamptz', nullable: true })
  unsubscribedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the lead last replied (recordLeadReply): follow-ups stop.' })
  @Column({ type: 'timestamptz', nullable: true })
  repliedAt!: Date | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Incremented on every change; transitions are conditional on it.' })
  @VersionColumn()
  version!: number;
}
