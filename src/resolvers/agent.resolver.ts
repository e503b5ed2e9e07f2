import { Arg, Authorized, Ctx, Field, Float, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from './context.js';

@ObjectType({ description: "A prompt that receives a share of an agent's calls." })
export class AgentPromptVersion {
  @Field(() => ID, { nullable: true, description: 'The prompt version; null for the built-in prompt.' })
  id!: string | null;

  @Field(() => String, { description: 'As recorded on agent runs, e.g. qualification/v2 or qualify-lead/v1.' })
  version!: string;

  @Field(() => Int, { description: 'Its weight, relative to the other active versions (100 for the built-in prompt).' })
  weight!: number;

  @Field(() => Boolean, { description: 'Whether this is the prompt built into the code (no version is active).' })
  builtin!: boolean;
}

@ObjectType({ description: 'One of the sixteen agents, with its prompts and how its runs went over the period asked for.' })
export class Agent {
  @Field(() => String, { description: 'As recorded on agent runs, e.g. qualification.' })
  name!: string;

  @Field(() => String, { description: 'How it reasons, e.g. chain-of-thought.' })
  strategy!: string;

  @Field(() => String, { description: 'What it does.' })
  description!: string;

  @Field(() => String, { description: 'The version of the prompt built into the code.' })
  builtinPromptVersion!: string;

  @Field(() => [AgentPromptVersion], { description: "The prompts its calls go to: the active versions with their weights, or the built-in prompt when none is active." })
  activePromptVersions!: AgentPromptVersion[];

  @Field(() => Date, { description: 'Start of the period of the statistics (inclusive).' })
  from!: Date;

  @Field(() => Date, { description: 'End of the period of the statistics (exclusive).' })
  to!: Date;

  @Field(() => Int, { description: 'Calls in the period, failed ones included.' })
  runs!: number;

  @Field(() => Float, { nullable: true, description: 'Share of the runs that succeeded, 0 to 1; null without runs.' })
  successRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median latency of a run in milliseconds (to 0.1 ms), retries and fallbacks included; null without runs.' })
  latencyP50Ms!: number | null;

  @Field(() => Float, { nullable: true, description: '95th percentile of the latency of a run in milliseconds; null without runs.' })
  latencyP95Ms!: number | null;

  @Field(() => Float, { description: 'Estimated cost of the runs in USD, every attempt included.' })
  totalCost!: number;

  @Field(() => Float, { nullable: true, description: 'Estimated cost of a run in USD, on average; null without runs.' })
  averageCost!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Share of the runs answered by a provider other than the first one tried (the fallback chain), 0 to 1; null without runs.',
  })
  fallbackRate!: number | null;
}

@Resolver(() => Agent)
export class AgentResolver {
  @Authorized()
  @Query(() => [Agent], { description: 'Every agent, in pipeline order, with statistics from its runs over [from, to): by default the last 7 days.' })
  agents(
    @Ctx() { services }: GraphQLContext,
    @Arg('from', () => Date, { nullable: true, description: 'Start of the period; 7 days before `to` when omitted.' }) from?: Date | null,
    @Arg('to', () => Date, { nullable: true, description: 'End of the period; now when omitted.' }) to?: Date | null,
  ) {
    return services.agents.list({ from, to });
  }
}
