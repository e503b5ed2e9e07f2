import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { actorOf } from '../auth/principal.js';
import { Lead } from '../entities/lead.entity.js';
import { Role } from '../entities/enums.js';
import { makeConnectionType } from '../schema/connection.types.js';
import { SubmitLeadInput } from '../schema/lead.inputs.js';
import type { GraphQLContext } from './context.js';

export const LeadConnection = makeConnectionType(Lead, 'Lead');

@Resolver(() => Lead)
export class LeadResolver {
  @Authorized()
  @Query(() => LeadConnection, { description: 'Leads, newest first (ties broken by id).' })
  leads(
    @Ctx() { services }: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 100; 20 when omitted.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page.' }) after?: string | null,
  ) {
    return services.leads.list({ first, after });
  }

  @Authorized(Role.INTEGRATION)
  @Mutation(() => Lead, { description: 'Captures a lead. Repeats (same idempotencyKey, or same e-mail and message within 24 h) return the earlier lead.' })
  async submitLead(@Ctx() { services, principal }: GraphQLContext, @Arg('input', () => SubmitLeadInput) input: SubmitLeadInput) {
    const { lead } = await services.leads.submit(input, actorOf(principal!));
    return lead;
  }
}
