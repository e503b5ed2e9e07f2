import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: "An entry in a lead's append-only audit trail." })
@Entity({ name: 'lead_activities' })
export class LeadActivity {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field(() => ID)
  @Column({ type: 'uuid' })
  leadId!: string;

  @Field(() => String, { description: 'What happened, e.g. lead.created, status.changed, proposal.approved.' })
  @Column({ type: 'text' })
  type!: string;

  @Field(() => GraphQLJSONObject)
  @Column({ type: 'jsonb', default: {} })
  data!: Record<string, unknown>;

  @Field(() => String, { description: 'Who did it: agent:<name>, slack:<user>, api-key:<name> or system.' })
  @Column({ type: 'text' })
  actor!: string;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
