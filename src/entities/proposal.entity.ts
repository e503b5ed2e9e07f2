import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateResolver, GraphQLJSON } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { Language, PricingModel, ProposalStatus } from './enums.js';
import { numericTransformer } from '../database/transformers.js';

@ObjectType()
export class LineItem {
  @Field(() => String)
  description!: string;

  @Field(() => Float, { nullable: true, description: 'Person-days, where the item is effort.' })
  days?: number | null;

  @Field(() => Float, { nullable: true })
  rate?: number | null;

  @Field(() => Float)
  amount!: number;
}

// simpleResolvers: its fields carry no @Authorized or middleware, so graphql-js reads the property
// itself instead of type-graphql's per-field wrapper (an allocation per field of every row read).
@ObjectType({ description: 'One revision of a priced proposal for a lead.', simpleResolvers: true })
@Entity({ name: 'proposals' })
export class Proposal {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field(() => ID)
  @Column({ type: 'uuid' })
  leadId!: string;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'uuid', nullable: true })
  solutionDesignId!: string | null;

  @Field(() => Int, { description: 'Starts at 1; every reject or human edit makes the next one.' })
  @Column({ type: 'integer' })
  revision!: number;

  @Field(() => Language)
  @Column({ type: 'text' })
  language!: Language;

  @Field(() => String)
  @Column({ type: 'text' })
  title!: string;

  @Field(() => String, { description: 'The proposal text, Markdown.' })
  @Column({ type: 'text' })
  body!: string;

  @Field(() => [LineItem])
  @Column({ type: 'jsonb', default: [] })
  lineItems!: LineItem[];

  @Field(() => Float)
  @Column({ type: 'numeric', precision: 14, scale: 2, transformer: numericTransformer })
  total!: number;

  @Field(() => String)
  @Column({ type: 'text', default: 'EUR' })
  currency!: string;

  @Field(() => PricingModel)
  @Column({ type: 'text' })
  pricingModel!: PricingModel;

  // A calendar day, not an instant: served as the `Date` scalar (YYYY-MM-DD), as the column holds it.
  @Field(() => DateResolver, { nullable: true, description: 'The last day the offer stands (YYYY-MM-DD).' })
  @Column({ type: 'date', nullable: true })
  validUntil!: string | null;

  @Field(() => ProposalStatus)
  @Column({ type: 'text', default: ProposalStatus.DRAFT })
  status!: ProposalStatus;

  @Field(() => Float, { nullable: true, description: "The reviewer's quality score, 0 to 100." })
  @Column({ type: 'real', nullable: true })
  reviewScore!: number | null;

  @Field(() => GraphQLJSON, { nullable: true, description: "The reviewer's findings." })
  @Column({ type: 'jsonb', nullable: true })
  reviewNotes!: unknown;

  @Field(() => String, { nullable: true, description: 'The prompt version that wrote it (A/B experiments).' })
  @Column({ type: 'text', nullable: true })
  promptVersion!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  /** When approvers without Slack were e-mailed about it (once per revision). */
  @Column({ type: 'timestamptz', nullable: true })
  approversNotifiedAt!: Date | null;

  /** What the revision was written from (requirements, design, estimate, price): internal, for the reviewer and reviser. */
  @Column({ type: 'jsonb', nullable: true })
  basis!: unknown;

  @Field(() => String, { nullable: true, description: 'A contract draft in Markdown, written when the customer accepts; for legal review before use.' })
  @Column({ type: 'text', nullable: true })
  contractDraft!: string | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Field(() => Int)
  @VersionColumn()
  version!: number;
}
