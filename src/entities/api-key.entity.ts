import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from './enums.js';

@ObjectType({ description: 'An API key. The key itself is shown once at creation; only its hash is stored.' })
@Entity({ name: 'api_keys' })
export class ApiKey {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  name!: string;

  @Field(() => Role)
  @Column({ type: 'text' })
  role!: Role;

  @Field(() => Boolean, { description: 'May pass onBehalfOf on decisions (the Slack bot, the dashboard).' })
  @Column({ type: 'boolean', default: false })
  delegate!: boolean;

  /** SHA-256 of the key, hex. */
  @Column({ type: 'text' })
  keyHash!: string;

  @Field(() => String, { description: 'The first characters of the key, to recognise it.' })
  @Column({ type: 'text' })
  keyPrefix!: string;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
