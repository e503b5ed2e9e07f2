import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { actorOf } from '../auth/principal.js';
import { Role } from '../entities/enums.js';
import { WebhookDelivery } from '../entities/webhook-delivery.entity.js';
import { WebhookEndpoint } from '../entities/webhook-endpoint.entity.js';
import type { GraphQLContext } from './context.js';

@ObjectType({ description: 'A new webhook endpoint. `secret` signs its deliveries and is shown this once; store it now.' })
export class CreatedWebhookEndpoint {
  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;

  @Field(() => String)
  secret!: string;
}

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointResolver {
  @Authorized(Role.ADMIN)
  @Query(() => [WebhookEndpoint])
  webhookEndpoints(@Ctx() { services }: GraphQLContext) {
    return services.webhookEndpoints.list();
  }

  @FieldResolver(() => [WebhookDelivery], { description: 'The latest deliveries, newest first.' })
  deliveries(@Ctx() { services }: GraphQLContext, @Root() endpoint: WebhookEndpoint, @Arg('first', () => Int, { nullable: true }) first?: number | null) {
    return services.webhookEndpoints.deliveries(endpoint.id, first ?? 50);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedWebhookEndpoint, {
    description: 'Subscribes a URL to events: lead.created, lead.qualified, proposal.pending_approval, proposal.approved, proposal.rejected, proposal.sent, proposal.accepted, proposal.declined.',
  })
  createWebhookEndpoint(
    @Ctx() { services, principal }: GraphQLContext,
    @Arg('url', () => String) url: string,
    @Arg('events', () => [String]) events: string[],
  ) {
    return services.webhookEndpoints.create(url, events, actorOf(principal!));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WebhookEndpoint, { description: 'Enables (the failure streak starts over) or disables an endpoint.' })
  setWebhookEndpointEnabled(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('enabled', () => Boolean) enabled: boolean) {
    return services.webhookEndpoints.setEnabled(id, enabled);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, { description: 'Deletes an endpoint and its delivery history.' })
  deleteWebhookEndpoint(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.webhookEndpoints.delete(id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => WebhookDelivery, { description: 'Sends a delivery again with the same Leadpilot-Delivery id (receivers dedupe on it) and a fresh retry window.' })
  replayWebhookDelivery(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID) id: string) {
    return services.webhookEndpoints.replay(id);
  }
}
