import 'reflect-metadata';
import './enums.js';
import { getNamedType, type GraphQLSchema } from 'graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { RoleAuthChecker } from '../auth/auth-checker.js';
import { badUserInput } from '../errors.js';
import { AgentResolver } from '../resolvers/agent.resolver.js';
import { ApiKeyResolver } from '../resolvers/api-key.resolver.js';
import { KpiResolver } from '../resolvers/kpi.resolver.js';
import { LeadResolver } from '../resolvers/lead.resolver.js';
import { LiveResolver } from '../resolvers/live.resolver.js';
import { OutboundMessageResolver } from '../resolvers/outbound-message.resolver.js';
import { PromptVersionResolver } from '../resolvers/prompt-version.resolver.js';
import { ProposalResolver } from '../resolvers/proposal.resolver.js';
import { ViewerResolver } from '../resolvers/viewer.resolver.js';
import { WebhookEndpointResolver } from '../resolvers/webhook-endpoint.resolver.js';
import { schemaFor } from './validated-input.js';

export const resolvers: NonEmptyArray<Function> = [LeadResolver, ProposalResolver, ApiKeyResolver, PromptVersionResolver, AgentResolver, LiveResolver, OutboundMessageResolver, KpiResolver, ViewerResolver, WebhookEndpointResolver];

/** Builds the executable schema; `emitSchemaFile` is for `npm run schema` (src/schema/schema.graphql). */
export function buildLeadpilotSchema(options: { emitSchemaFile?: string } = {}): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    authChecker: RoleAuthChecker,
    // Subscriptions take their events from the context (per process), not from a schema-wide pubsub;
    // type-graphql still insists on one being configured, so it gets an unused in-memory one.
    pubSub: createPubSub(),
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validateFn: (argValue, argType, resolverData) => {
      const schema = schemaFor(argType);
      // An omitted optional argument (a filter) has nothing to check.
      if (!schema || argValue === undefined || argValue === null) return;
      const parsed = schema.safeParse(argValue);
      // Name the argument in the path (input.email, filter.search): it is the one holding this value.
      const { info } = resolverData;
      const typeName = typeof argType === 'function' ? argType.name : '';
      const argName = info.parentType.getFields()[info.fieldName]?.args.find((arg) => getNamedType(arg.type).name === typeName)?.name ?? 'input';
      if (!parsed.success) throw badUserInput(parsed.error, [argName]);
    },
    emitSchemaFile: options.emitSchemaFile ? { path: options.emitSchemaFile, sortedSchema: false } : false,
  });
}
