import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../../src/entities/enums.js';
import { graphql } from '../../helpers/graphql.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/** The value of one sample line of the exposition, e.g. metric{a="b"}; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([key, value]) => body.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GET /metrics', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ worker: true });
  });
  after(() => server.stop());

  const scrape = async () => {
    const response = await fetch(`${server.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  it('times GraphQL operations by name and counts their errors', async () => {
    const before = sample(await scrape(), 'leadpilot_graphql_operation_duration_seconds_count', { operation: 'MetricsProbe', type: 'query' }) ?? 0;
    await graphql(server.graphqlUrl, 'query MetricsProbe { viewer { role } }', { key: server.keys[Role.VIEWER] });
    await graphql(server.graphqlUrl, 'query MetricsProbe { viewer { role } }');
    const text = await scrape();
    assert.equal(sample(text, 'leadpilot_graphql_operation_duration_seconds_count', { operation: 'MetricsProbe', type: 'query' }), before + 2);
    assert.ok((sample(text, 'leadpilot_graphql_operation_errors_total', { operation: 'MetricsProbe', code: 'UNAUTHENTICATED' }) ?? 0) >= 1);
    assert.ok((sample(text, 'leadpilot_http_request_duration_seconds_count', { method: 'POST', route: '/graphql', status: '200' }) ?? 0) >= 2);
    assert.match(text, /^leadpilot_process_cpu_user_seconds_total /m);
    assert.match(text, /^leadpilot_nodejs_eventloop_lag_seconds /m);
  });

  it('shows the outbox backlog, the queue depth, job durations and LLM calls of a lead worked by the pipeline', async () => {
    await server.dataSource.query(`INSERT INTO outbound_messages (kind, channel, recipient, status, idempotency_key) VALUES ('reply', 'email', 'a@example.com', 'pending', 'metrics-1'), ('reply', 'email', 'b@example.com', 'pending', 'metrics-2')`);
    const submitted = await graphql(server.graphqlUrl, 'mutation { submitLead(input: { name: "Ada", email: "ada@example.com", message: "We need an online shop with payments and a CRM connection, budget 40000 EUR." }) { id } }', { key: server.keys[Role.INTEGRATION] });
    const leadId = submitted.data!.submitLead.id;
    let text = '';
    for (let tries = 0; tries < 120; tries++) {
      text = await scrape();
      if ((sample(text, 'leadpilot_job_duration_seconds_count', { step: 'lead-qualify', outcome: 'succeeded' }) ?? 0) >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok((sample(text, 'leadpilot_job_duration_seconds_count', { step: 'lead-intake', outcome: 'succeeded' }) ?? 0) >= 1, 'intake timed');
    assert.ok((sample(text, 'leadpilot_llm_calls_total', { provider: 'offline', outcome: 'ok' }) ?? 0) >= 1, 'offline model calls counted');
    assert.match(text, /^leadpilot_llm_call_duration_seconds_bucket\{.*provider="offline"/m);
    assert.ok((sample(text, 'leadpilot_outbox_backlog', { status: 'pending' }) ?? 0) >= 2);
    assert.ok(leadId);
  });

  it('reads the queue depth from the job tables at scrape time', async () => {
    // A job due in an hour: it waits in the queue and shows as depth until then.
    await server.queue.enqueue('proposal-contract', { proposalId: '00000000-0000-4000-8000-000000000000' }, { startAfter: new Date(Date.now() + 3_600_000) });
    const text = await scrape();
    assert.ok((sample(text, 'leadpilot_job_queue_depth', { queue: 'proposal-contract', state: 'created' }) ?? 0) >= 1, text.split('\n').filter((line) => line.startsWith('leadpilot_job_queue_depth')).join('\n'));
  });
});
