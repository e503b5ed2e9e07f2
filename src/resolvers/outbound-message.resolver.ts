import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { actorOf } from '../auth/principal.js';
import { Lead } from '../entities/lead.entity.js';
import { OutboundMessage } from '../entities/outbound-message.entity.js';
import { OutboundStatus, Role } from '../entities/enums.js';
import { makeConnectionType } from '../schema/connection.types.js';
import type { GraphQLContext } from './context.js';

export const OutboundMessageConnection = makeConnectionType(OutboundMessage, 'OutboundMessage');

const ON_BEHALF_OF = 'The person a delegate key decides for, e.g. slack:U123; recorded as the decider. Other keys get FORBIDDEN.';

@Resolver(() => OutboundMessage)
export class OutboundMessageResolver {
  @Authorized()
  @Query(() => OutboundMessageConnection, { description: 'The outbox, newest first (ties broken by id). Without SMTP_URL, messages wait here to be sent by hand.' })
  outboundMessages(
    @Ctx() { services }: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to 100; 20 when omitted.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'pageInfo.endCursor of the previous page.' }) after?: string | null,
    @Arg('status', () => OutboundStatus, { nullable: true }) status?: OutboundStatus | null,
  ) {
    return services.outbox.list({ first, after, status });
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => OutboundMessage, { description: 'Approves a message waiting for approval (a follow-up): it is sent. A second decision is a CONFLICT.' })
  approveOutboundMessage(
    @Ctx() { services, principal, via }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('comment', () => String, { nullable: true, description: 'At most 5000 characters.' }) comment?: string | null,
    @Arg('onBehalfOf', () => String, { nullable: true, description: ON_BEHALF_OF }) onBehalfOf?: string | null,
  ) {
    return services.outbox.approve(id, comment, { principal: principal!, onBehalfOf, via });
  }

  @Authorized(Role.APPROVER)
  @Mutation(() => OutboundMessage, { description: 'Rejects a message waiting for approval: it is not sent (CANCELLED); the next follow-up comes at its offset.' })
  rejectOutboundMessage(
    @Ctx() { services, principal, via }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('feedback', () => String, { description: 'Why, 1 to 5000 characters.' }) feedback: string,
    @Arg('onBehalfOf', () => String, { nullable: true, description: ON_BEHALF_OF }) onBehalfOf?: string | null,
  ) {
    return services.outbox.reject(id, feedback, { principal: principal!, onBehalfOf, via });
  }

  @Authorized(Role.INTEGRATION)
  @Mutation(() => Lead, { description: "Records the lead's reply (from a mailbox or a CRM): an activity, and the follow-ups stop." })
  recordLeadReply(@Ctx() { services, principal }: GraphQLContext, @Arg('id', () => ID, { description: 'The lead.' }) id: string, @Arg('text', () => String, { description: 'The reply, 1 to 20000 characters.' }) text: string) {
    return services.outbox.recordLeadReply(id, text, actorOf(principal!));
  }
}
