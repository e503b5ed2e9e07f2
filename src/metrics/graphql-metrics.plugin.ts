import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from '../resolvers/context.js';
import { graphqlOperationDuration, graphqlOperationErrors } from './metrics.js';
import type { OperationCounter } from './operation-counts.js';

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Distinct operation names kept per process; any beyond are counted as "other" (bounded series and rows). */
const MAX_OPERATION_NAMES = 500;

/**
 * Each GraphQL operation over HTTP: its duration and errors on /metrics, by operation name, and
 * one count in the per-minute table the API error rate is computed from. Names come from
 * clients, so anything that is not a plain GraphQL name is counted as "invalid", and names past
 * the first 500 as "other" (bounded labels).
 */
export function graphqlMetricsPlugin(counter: OperationCounter): ApolloServerPlugin<GraphQLContext> {
  const seen = new Set<string>();
  const label = (given: string | undefined): string => {
    if (given === undefined) return 'anonymous';
    if (!OPERATION_NAME.test(given)) return 'invalid';
    if (!seen.has(given)) {
      if (seen.size >= MAX_OPERATION_NAMES) return 'other';
      seen.add(given);
    }
    return given;
  };
  return {
    async requestDidStart({ request }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, operation, errors }) {
          const given = operation?.name?.value ?? request.operationName ?? undefined;
          const name = label(given);
          const type = operation?.operation ?? 'unknown';
          const bodyErrors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          // The formatted errors carry the codes clients see; request errors (parse, validation) may only be in `errors`.
          const all = bodyErrors.length ? bodyErrors : (errors ?? []);
          graphqlOperationDuration.observe({ operation: name, type }, Number(process.hrtime.bigint() - started) / 1e9);
          if (all.length) {
            const code = String((all[0]!.extensions as { code?: unknown } | undefined)?.code ?? 'INTERNAL_SERVER_ERROR');
            graphqlOperationErrors.inc({ operation: name, code });
          }
          counter.count(name, all.length > 0);
        },
      };
    },
  };
}
