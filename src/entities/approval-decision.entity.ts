import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { DecisionChannel, DecisionKind } from './enums.js';

@ObjectType({ description: "A person's recorded decision on a proposal revision or a follow-up message." })
@Entity({ name: 'approval_decisions' })
export class ApprovalDecision {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'uuid', nullable: true })
  proposalId!: string | null;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'uuid', nullable: true })
  outboundMessageId!: string | null;

  @Field(() => DecisionKind)
  @Column({ type: 'text' })
  decision!: DecisionKind;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  feedback!: string | null;

  @Field(() => String, { description: 'slack:<user>, api-key:<name> or dashboard:<key name>.' })
  @Column({ type: 'text' })
  decidedBy!: string;

  @Field(() => DecisionChannel)
  @Column({ type: 'text' })
  channel!: DecisionChannel;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
