import { GraphQLEnumType, GraphQLID, GraphQLInt, GraphQLNonNull, GraphQLString, type GraphQLFieldConfigMap } from 'graphql';
import { LeadStatus, Priority } from '../src/entities/enums.js';

/**
 * The baselines' hand-written graphql-js types: a Lead's own fields read straight off a
 * `leads` row, as both bare servers (reads and fan-out) answer them.
 */
export const enumOf = (name: string, values: Record<string, string>) =>
  new GraphQLEnumType({ name, values: Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value }])) });

export function bareLeadFields<Context>(): GraphQLFieldConfigMap<Record<string, unknown>, Context> {
  return {
    id: { type: new GraphQLNonNull(GraphQLID) },
    name: { type: new GraphQLNonNull(GraphQLString) },
    email: { type: new GraphQLNonNull(GraphQLString) },
    company: { type: GraphQLString },
    status: { type: new GraphQLNonNull(enumOf('LeadStatus', LeadStatus)) },
    priority: { type: enumOf('Priority', Priority) },
    fitScore: { type: GraphQLInt, resolve: (row) => row['fit_score'] },
    createdAt: { type: new GraphQLNonNull(GraphQLString), resolve: (row) => (row['created_at'] as Date).toISOString() },
  };
}
