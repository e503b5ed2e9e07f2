import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLFormattedError, ValidationRule } from 'graphql';

/** Limits sized for our schema: the deepest honest query (lead → proposals → decisions …) is about 6. */
export const LIMITS = { maxDepth: 10, maxAliases: 15, maxCost: 5_000, maxDirectives: 50, maxTokens: 5_000 } as const;

export interface OperationLimits {
  /** For Apollo (HTTP): armor's plugins, e.g. the parser-level token limit and suggestion masking. */
  readonly apolloPlugins: ApolloServerPlugin[];
  /** The same validation rules for both transports; armor does not reach graphql-ws by itself. */
  readonly validationRules: ValidationRule[];
  /** Whether introspection is allowed (Apollo's own option on HTTP, a validation rule on WebSocket). */
  readonly introspection: boolean;
  /** graphql-ws has no plugin hook for messages; this masks suggestions in its errors. */
  maskSuggestions(error: GraphQLFormattedError): GraphQLFormattedError;
}

/**
 * Depth, aliases, cost and directives on every operation; in production no introspection and no
 * "Did you mean …" suggestions, which would hand the schema out field by field.
 */
export function operationLimits(env: 'development' | 'production' | 'test'): OperationLimits {
  const production = env === 'production';
  const armor = new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth },
    maxAliases: { n: LIMITS.maxAliases },
    costLimit: { maxCost: LIMITS.maxCost },
    maxDirectives: { n: LIMITS.maxDirectives },
    maxTokens: { n: LIMITS.maxTokens },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  return {
    // armor's typings name Apollo's CommonJS build; the plugins are plain objects either way.
    apolloPlugins: armor.plugins as unknown as ApolloServerPlugin[],
    validationRules: armor.validationRules,
    introspection: !production,
    maskSuggestions: (error) => (production ? { ...error, message: error.message.replace(/ ?Did you mean ".+"\??/g, '') } : error),
  };
}
