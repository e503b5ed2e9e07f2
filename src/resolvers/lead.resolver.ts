import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { actorOf } from '../auth/principal.js';
import { LeadActivity } from '../entities/lead-activity.entity.js';
import { Lead } from '../entities/lead.entity.js';
import { OutboundMessage } from '../entities/outbound-message.entity.js';
import { Proposal } from '../entities/proposal.entity.js';
import { SolutionDesign } from '../entities/solution-design.entity.js';
import { Role } from '../entities/enums.js';
import { makeConnectionType } from '../schema/connection.types.js';
import { LeadFilterInput, SubmitLeadInput } from '../schema/lead.inputs.js';
import type { GraphQLContext } from './context.js';

export const LeadConnection = makeConnectionType(Lead, 'Lead');

@Resolver(() => Lead)
export class LeadResolver {
  @Authorized()
  @Query(() => Lead, { nullable: true, description: 'A lead by id; null when there is none (or the id is not one).' })
  lead(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.leads.findById(id);
  }

  @Authorized()
  @Query(() => LeadConnection, { description: 'Leads, newest first (ties broken by id).' })
  leads(
    @Ctx() { services }: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 100; 20 when omitted.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page.' }) after?: string | null,
    @Arg('filter', () => LeadFilterInput, { nullable: true }) filter?: LeadFilterInput | null,
  ) {
    return services.leads.list({ first, after, filter });
  }

  @Authorized(Role.INTEGRATION)
  @Mutation(() => Lead, { description: 'Captures a lead. Repeats (same idempotencyKey, or same e-mail and message within 24 h) return the earlier lead.' })
  async submitLead(@Ctx() { services, principal }: GraphQLContext, @Arg('input', () => SubmitLeadInput) input: SubmitLeadInput) {
    const { lead } = await services.leads.submit(input, actorOf(principal!));
    return lead;
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => Lead, { description: 'Qualifies a DISQUALIFIED, SPAM or FAILED lead again; the pipeline runs on from the qualification. CONFLICT from any other status.' })
  requalifyLead(@Ctx() { services, principal }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.pipeline.requalify(id, actorOf(principal!));
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => Lead, { description: "Runs a FAILED lead's failed step again (see its pipeline.failed activity for why it failed). CONFLICT unless FAILED." })
  retryLead(@Ctx() { services, principal }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.pipeline.retry(id, actorOf(principal!));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, { description: "Erases the person's data everywhere it is held; keeps the activity trail without it. Idempotent." })
  eraseLead(@Ctx() { services, principal }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.privacy.erase(id, actorOf(principal!));
  }

  @Authorized(Role.ADMIN)
  @Query(() => GraphQLJSONObject, { description: 'Everything held on the person of a lead, as JSON (data-protection requests).' })
  exportLead(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.privacy.export(id);
  }

  @FieldResolver(() => [LeadActivity], { description: 'The audit trail, oldest first.' })
  activities(@Root() lead: Lead, @Ctx() { loaders }: GraphQLContext) {
    return loaders.activitiesByLead.load(lead.id);
  }

  @FieldResolver(() => [SolutionDesign], { description: 'Solution designs by revision.' })
  solutionDesigns(@Root() lead: Lead, @Ctx() { loaders }: GraphQLContext) {
    return loaders.designsByLead.load(lead.id);
  }

  @FieldResolver(() => [Proposal], { description: 'Every proposal revision, oldest first.' })
  proposals(@Root() lead: Lead, @Ctx() { loaders }: GraphQLContext) {
    return loaders.proposalsByLead.load(lead.id);
  }

  @FieldResolver(() => [OutboundMessage], { description: 'Messages to the lead in the outbox (the first reply, the proposal, follow-ups), oldest first.' })
  outboundMessages(@Root() lead: Lead, @Ctx() { loaders }: GraphQLContext) {
    return loaders.outboundByLead.load(lead.id);
  }
}
