import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: "The solution architect's chosen design for a lead, with the alternatives it weighed." })
@Entity({ name: 'solution_designs' })
export class SolutionDesign {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field(() => ID)
  @Column({ type: 'uuid' })
  leadId!: string;

  @Field(() => Int)
  @Column({ type: 'integer' })
  revision!: number;

  @Field(() => String)
  @Column({ type: 'text' })
  summary!: string;

  @Field(() => GraphQLJSON)
  @Column({ type: 'jsonb', default: [] })
  components!: unknown[];

  @Field(() => GraphQLJSON)
  @Column({ type: 'jsonb', default: [] })
  stack!: unknown[];

  @Field(() => GraphQLJSON, { description: 'Work packages with their effort in person-days.' })
  @Column({ type: 'jsonb', default: [] })
  workPackages!: unknown[];

  @Field(() => GraphQLJSON)
  @Column({ type: 'jsonb', default: [] })
  risks!: unknown[];

  @Field(() => GraphQLJSON)
  @Column({ type: 'jsonb', default: [] })
  assumptions!: unknown[];

  @Field(() => GraphQLJSON, { description: 'The alternative designs weighed (tree of thoughts), each with its scores.' })
  @Column({ type: 'jsonb', default: [] })
  alternatives!: unknown[];

  @Field(() => Float, { nullable: true })
  @Column({ type: 'real', nullable: true })
  confidence!: number | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
