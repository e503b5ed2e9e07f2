import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's one Prometheus registry and every Leadpilot metric in it. Other parts import the
 * metric they feed (the Slack bot: `slackPosts`, `slackRateLimitWaits`); `GET /metrics` renders
 * the registry. Names follow Prometheus conventions: `leadpilot_` prefix, `_total` counters,
 * `_seconds` durations.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'leadpilot_' });

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LONG_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

export const httpRequestDuration = new Histogram({
  name: 'leadpilot_http_request_duration_seconds',
  help: 'HTTP requests by method, route and status code.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const graphqlOperationDuration = new Histogram({
  name: 'leadpilot_graphql_operation_duration_seconds',
  help: 'GraphQL operations over HTTP by operation name and type (anonymous when unnamed).',
  labelNames: ['operation', 'type'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const graphqlOperationErrors = new Counter({
  name: 'leadpilot_graphql_operation_errors_total',
  help: 'GraphQL operations answered with at least one error, by operation name and error code.',
  labelNames: ['operation', 'code'] as const,
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: 'leadpilot_job_duration_seconds',
  help: 'Pipeline jobs by step and outcome (succeeded, retried, failed, stale).',
  labelNames: ['step', 'outcome'] as const,
  buckets: LONG_SECONDS,
  registers: [registry],
});

export const jobQueueDepth = new Gauge({
  name: 'leadpilot_job_queue_depth',
  help: 'Jobs waiting or running per queue (step) and state, read from the queue tables at scrape time.',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
});

export const llmCalls = new Counter({
  name: 'leadpilot_llm_calls_total',
  help: 'Calls to LLM providers (every attempt) by provider, model and outcome (ok or the error class).',
  labelNames: ['provider', 'model', 'outcome'] as const,
  registers: [registry],
});

export const llmCallDuration = new Histogram({
  name: 'leadpilot_llm_call_duration_seconds',
  help: 'Latency of calls to LLM providers by provider, model and outcome.',
  labelNames: ['provider', 'model', 'outcome'] as const,
  buckets: LONG_SECONDS,
  registers: [registry],
});

export const outboxBacklog = new Gauge({
  name: 'leadpilot_outbox_backlog',
  help: 'Outbound messages not yet sent, by status (pending, awaiting_approval, sending), read at scrape time.',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const scrapeErrors = new Counter({
  name: 'leadpilot_metrics_scrape_errors_total',
  help: 'Scrape-time readings that failed or timed out, by reading (queue_depth, outbox_backlog).',
  labelNames: ['reading'] as const,
  registers: [registry],
});

/** Every Slack Web API call the bot posts or reads cards with, by method and outcome (ok, ratelimited, or the Slack error). */
export const slackPosts = new Counter({
  name: 'leadpilot_slack_posts_total',
  help: 'Posts to Slack by method and outcome.',
  labelNames: ['method', 'outcome'] as const,
  registers: [registry],
});

/** For the Slack bot: each wait Slack's rate limit (HTTP 429, Retry-After) imposed, with its length. */
export const slackRateLimitWaits = new Histogram({
  name: 'leadpilot_slack_rate_limit_wait_seconds',
  help: 'Waits imposed by Slack rate limits (Retry-After), by method; the count is the number of waits.',
  labelNames: ['method'] as const,
  buckets: [1, 2, 5, 10, 30, 60, 120],
  registers: [registry],
});

const CIRCUIT_STATES = ['closed', 'half_open', 'open'] as const;
interface Circuit {
  readonly provider: string;
  readonly circuit: { readonly state: (typeof CIRCUIT_STATES)[number] };
}
const trackedCircuits = new Set<Circuit>();

export const breakerState = new Gauge({
  name: 'leadpilot_llm_breaker_state',
  help: 'Circuit breaker per LLM provider: 1 for its current state (closed, half_open, open), 0 for the others.',
  labelNames: ['provider', 'state'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const tracked of trackedCircuits) {
      for (const state of CIRCUIT_STATES) this.set({ provider: tracked.provider, state }, tracked.circuit.state === state ? 1 : 0);
    }
  },
});

/** Shows these breakers' states on /metrics until the returned function is called. */
export function trackBreakers(circuits: readonly Circuit[]): () => void {
  for (const circuit of circuits) trackedCircuits.add(circuit);
  return () => {
    for (const circuit of circuits) trackedCircuits.delete(circuit);
  };
}
