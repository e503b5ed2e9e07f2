import { Arg, Authorized, ID, Resolver, Root, Subscription } from 'type-graphql';
import { Lead } from '../entities/lead.entity.js';
import { ProposalStatus } from '../entities/enums.js';
import { Proposal } from '../entities/proposal.entity.js';
import type { GraphQLContext } from './context.js';

/**
 * Subscriptions over graphql-ws. Every role may read leads and proposals, so any valid key may
 * subscribe (`@Authorized()`); field-level rules still apply to each event's selection.
 */
@Resolver()
export class LiveResolver {
  @Authorized()
  @Subscription(() => Lead, {
    description: 'A lead after each change: the one with this id, or every lead when id is omitted.',
    subscribe: ({ args, context }) => (context as GraphQLContext).live.leadUpdates((args as { id?: string | null }).id),
  })
  leadUpdated(@Root() lead: Lead, @Arg('id', () => ID, { nullable: true }) _id?: string | null): Lead {
    return lead;
  }

  @Authorized()
  @Subscription(() => Proposal, {
    description: 'A proposal after each change that moved it to this status (any status when omitted).',
    subscribe: ({ args, context }) => (context as GraphQLContext).live.proposalUpdates((args as { status?: string | null }).status),
  })
  proposalUpdated(@Root() proposal: Proposal, @Arg('status', () => ProposalStatus, { nullable: true }) _status?: ProposalStatus | null): Proposal {
    return proposal;
  }
}
