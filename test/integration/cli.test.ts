import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createEmptyDatabase, type TestDatabase } from '../helpers/database.js';
import { runCli } from '../helpers/process.js';

describe('leadpilot migrate and api-key against DATABASE_URL', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createEmptyDatabase();
  });
  after(() => database.drop());

  it('migrates an empty database from two processes at once, each migration applied exactly once', async () => {
    const [first, second] = await Promise.all([
      runCli(['migrate'], { DATABASE_URL: database.url }),
      runCli(['migrate'], { DATABASE_URL: database.url }),
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    const outputs = [first.stdout, second.stdout].sort();
    assert.match(outputs.join('\n'), /Applied 13 migration/);
    assert.match(outputs.join('\n'), /up to date/);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT name FROM migrations');
      assert.deepEqual(rows.map((row) => row.name), ['InitialSchema1764028800000', 'Pipeline1764115200000', 'PromptVersions1764201600000', 'Slack1764288000000', 'EmailDelivery1764374400000', 'LeadIntake1764460800000', 'Kpis1764547200000', 'Integrations1764633600000', 'SlackFollowUps1764720000000', 'KpiRollups1764892800000', 'ApiKeyChanges1765065600000', 'KpiDayLockOrder1765238400000', 'KpiRollupsAtCommit1765411200000']);
      const tables = await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
      assert.deepEqual(
        tables.rows.map((row) => row.tablename),
        ['agent_run_hours', 'agent_runs', 'api_keys', 'approval_decisions', 'approval_kpi_facts', 'crm_links', 'graphql_operation_counts', 'graphql_operation_hours', 'inbound_webhook_deliveries', 'lead_activities', 'lead_kpi_days', 'lead_kpi_facts', 'lead_pipeline_steps', 'leads', 'legacy_imports', 'migrations', 'outbound_messages', 'prompt_versions', 'proposal_kpi_facts', 'proposals', 'rate_buckets', 'rate_limit_counters', 'slack_digests', 'slack_interactions', 'slack_posts', 'solution_designs', 'stage_days', 'status_changes', 'webhook_deliveries', 'webhook_endpoints'],
      );
    } finally {
      await client.end();
    }
  });

  it('creates, lists and revokes keys', async () => {
    const created = await runCli(['api-key', 'create', '--name', 'slack-bot', '--role', 'approver', '--delegate', '--expires', '90d'], { DATABASE_URL: database.url });
    assert.equal(created.code, 0, created.stderr);
    const id = /Created API key (\S+)/.exec(created.stdout)![1]!;
    const key = /^\s+(lp_\S+)$/m.exec(created.stdout)![1]!;
    assert.match(created.stdout, /role approver, delegate, expires 20\d\d-/);

    const listed = await runCli(['api-key', 'list'], { DATABASE_URL: database.url });
    assert.equal(listed.code, 0);
    assert.match(listed.stdout, new RegExp(`${id}\\tslack-bot\\tapprover\\tdelegate\\t${key.slice(0, 10)}…\\tactive`));
    assert.doesNotMatch(listed.stdout, new RegExp(key), 'the key itself is never listed');

    const revoked = await runCli(['api-key', 'revoke', id], { DATABASE_URL: database.url });
    assert.equal(revoked.code, 0, revoked.stderr);
    const after = await runCli(['api-key', 'list'], { DATABASE_URL: database.url });
    assert.match(after.stdout, new RegExp(`${id}.*\\trevoked\\t`));
  });

  it('answers usage mistakes with a message and exit code 64', async () => {
    const cases: [string[], RegExp][] = [
      [['api-key', 'create', '--name', 'x'], /needs --role/],
      [['api-key', 'create', '--name', 'x', '--role', 'boss'], /one of viewer, integration, approver, admin/],
      [['api-key', 'create', '--name', 'x', '--role', 'viewer', '--expires', 'soon'], /--expires takes a duration/],
      [['api-key', 'revoke'], /one argument/],
      [['api-key', 'rotate'], /Unknown api-key action/],
      [['frobnicate'], /Unknown command "frobnicate"/],
      [['migrate', 'now'], /takes no arguments/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, { DATABASE_URL: database.url });
      assert.equal(result.code, 64, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });

  it('says when a key to revoke does not exist', async () => {
    const result = await runCli(['api-key', 'revoke', '00000000-0000-0000-0000-000000000000'], { DATABASE_URL: database.url });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /No API key with id/);
  });
});
