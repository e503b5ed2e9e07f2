import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { actorOf } from '../auth/principal.js';
import { ApprovalDecision } from '../entities/approval-decision.entity.js';
import { Lead } from '../entities/lead.entity.js';
import { Proposal } from '../entities/proposal.entity.js';
import { ProposalOutcome, ProposalStatus, Role } from '../entities/enums.js';
import { makeConnectionType } from '../schema/connection.types.js';
import { EditProposalInput } from '../schema/proposal.inputs.js';
import type { GraphQLContext } from './context.js';

export const ProposalConnection = makeConnectionType(Proposal, 'Proposal');

const ON_BEHALF_OF = 'The person a delegate key decides for, e.g. slack:U123; recorded as the decider. Other keys get FORBIDDEN.';

@Resolver(() => Proposal)
export class ProposalResolver {
  @Authorized()
  @Query(() => Proposal, { nullable: true, description: 'A proposal revision by id; null when there is none.' })
  proposal(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.proposals.findById(id);
  }

  @Authorized()
  @Query(() => ProposalConnection, { description: 'Proposal revisions, newest first (ties broken by id).' })
  proposals(
    @Ctx() { services }: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 100; 20 when omitted.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page.' }) after?: string | null,
    @Arg('status', () => ProposalStatus, { nullable: true }) status?: ProposalStatus | null,
  ) {
    return services.proposals.list({ first, after, status });
  }

  @Authorized()
  @Query(() => [Proposal], { description: 'Proposals waiting for a decision (PENDING_APPROVAL), oldest first.' })
  approvalQueue(@Ctx() { services }: GraphQLContext) {
    return services.proposals.approvalQueue();
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => Proposal, {
    description:
      "Writes the lead's proposal again from the solution design on (id is the LEAD's). Undecided revisions are superseded; the new revision is returned at once as a DRAFT that the agents fill in and review, then PENDING_APPROVAL.",
  })
  regenerateProposal(@Ctx() { services, principal }: GraphQLContext, @Arg('id', () => ID, { description: 'The lead.' }) id: string) {
    return services.pipeline.regenerate(id, actorOf(principal!));
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => Proposal, { description: 'Approves a revision waiting for approval; a second decision is a CONFLICT.' })
  approveProposal(
    @Ctx() { services, principal, via }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('comment', () => String, { nullable: true, description: 'At most 5000 characters.' }) comment?: string | null,
    @Arg('onBehalfOf', () => String, { nullable: true, description: ON_BEHALF_OF }) onBehalfOf?: string | null,
  ) {
    return services.proposals.approve(id, comment, { principal: principal!, onBehalfOf, via });
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => Proposal, { description: 'Rejects a revision waiting for approval, with feedback for the next one.' })
  rejectProposal(
    @Ctx() { services, principal, via }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('feedback', () => String, { description: 'What to change, 1 to 5000 characters.' }) feedback: string,
    @Arg('onBehalfOf', () => String, { nullable: true, description: ON_BEHALF_OF }) onBehalfOf?: string | null,
  ) {
    return services.proposals.reject(id, feedback, { principal: principal!, onBehalfOf, via });
  }

  @Authorized(Role.INTEGRATION)
  @Mutation(() => Proposal, { description: "The customer's answer to a SENT proposal; the lead becomes WON or LOST." })
  recordProposalOutcome(
    @Ctx() { services, principal }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('outcome', () => ProposalOutcome) outcome: ProposalOutcome,
  ) {
    return services.proposals.recordOutcome(id, outcome, actorOf(principal!));
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => Proposal, { description: 'A human revision of a PENDING_APPROVAL or REJECTED proposal: returns the new revision, waiting for approval.' })
  editProposal(@Ctx() { services, principal }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('input', () => EditProposalInput) input: EditProposalInput) {
    return services.proposals.edit(id, input, actorOf(principal!));
  }

  @FieldResolver(() => Lead)
  async lead(@Root() proposal: Proposal, @Ctx() { loaders }: GraphQLContext) {
    return loaders.lead.load(proposal.leadId);
  }

  @FieldResolver(() => [ApprovalDecision])
  decisions(@Root() proposal: Proposal, @Ctx() { loaders }: GraphQLContext) {
    return loaders.decisionsByProposal.load(proposal.id);
  }
}
