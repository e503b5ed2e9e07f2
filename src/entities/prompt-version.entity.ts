import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: "A version of an agent's system prompt. Active versions share the agent's calls by weight; with none active the built-in prompt is used." })
@Entity({ name: 'prompt_versions' })
export class PromptVersion {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field(() => String, { description: 'The agent it is for, e.g. qualification.' })
  @Column({ type: 'text' })
  agent!: string;

  @Field(() => String, { description: '<agent>/v<n>, numbered from 2 per agent (v1 is the built-in prompt); recorded on every agent run that used it.' })
  @Column({ type: 'text' })
  version!: string;

  @Field(() => String, { description: 'The system prompt; {{default}} stands for the built-in system prompt.' })
  @Column({ type: 'text' })
  template!: string;

  @Field(() => Int, { description: "0 to 100: this version's share of the agent's calls, relative to the other active versions." })
  @Column({ type: 'integer', default: 0 })
  weight!: number;

  @Field(() => Boolean, { description: 'Whether it takes part in the calls: exactly when its weight is above 0.' })
  @Column({ type: 'boolean', default: false })
  active!: boolean;

  @Field(() => String, { description: 'Who created it, e.g. api-key:admin.' })
  @Column({ type: 'text' })
  createdBy!: string;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
