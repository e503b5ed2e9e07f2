import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, Query, Resolver } from 'type-graphql';
import { actorOf } from '../auth/principal.js';
import { Role } from '../entities/enums.js';
import { PromptVersion } from '../entities/prompt-version.entity.js';
import { PROMPT_TEMPLATE_MAX_LENGTH } from '../services/prompt-version.service.js';
import type { GraphQLContext } from './context.js';

@InputType({ description: "One version's share of its agent's calls." })
export class PromptWeightInput {
  @Field(() => ID, { description: 'A prompt version of the agent.' })
  id!: string;

  @Field(() => Int, { description: '0 to 100, relative to the other weights; 0 makes the version inactive.' })
  weight!: number;
}

const AGENT = 'The agent name, e.g. qualification (see the agents query).';

@Resolver(() => PromptVersion)
export class PromptVersionResolver {
  @Authorized()
  @Query(() => [PromptVersion], { description: "Every prompt version of the agent, oldest first; the built-in prompt (v1) is not listed." })
  promptVersions(@Ctx() { services }: GraphQLContext, @Arg('agent', () => String, { description: AGENT }) agent: string) {
    return services.promptVersions.list(agent);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => PromptVersion, { description: 'A new prompt version, numbered <agent>/v2, v3, …; inactive (weight 0) until activated or weighted.' })
  createPromptVersion(
    @Ctx() { services, principal }: GraphQLContext,
    @Arg('agent', () => String, { description: AGENT }) agent: string,
    @Arg('template', () => String, {
      description: `The system prompt, 1 to ${PROMPT_TEMPLATE_MAX_LENGTH} characters; {{default}} stands for the built-in system prompt, no other placeholder exists.`,
    })
    template: string,
  ) {
    return services.promptVersions.create(agent, template, actorOf(principal!));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => PromptVersion, { description: "Makes this the only active version of its agent (weight 100): all of the agent's calls use it." })
  activatePromptVersion(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.promptVersions.activate(id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => [PromptVersion], {
    description: "Splits the agent's calls between its versions by weight (sticky per lead); versions not listed get 0. All 0 goes back to the built-in prompt. Returns every version of the agent.",
  })
  setPromptWeights(
    @Ctx() { services }: GraphQLContext,
    @Arg('agent', () => String, { description: AGENT }) agent: string,
    @Arg('weights', () => [PromptWeightInput]) weights: PromptWeightInput[],
  ) {
    return services.promptVersions.setWeights(agent, weights);
  }
}
