import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    assert.equal(config.http.port, 4000);
    assert.equal(config.http.host, '127.0.0.1');
    assert.equal(config.http.publicUrl, 'http://127.0.0.1:4000');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.dataDir, './data');
    assert.deepEqual(config.llm.providers, ['offline']);
    assert.equal(config.workerConcurrency, 8);
    assert.equal(config.approval.reminderAfterMs, 4 * 3_600_000);
    assert.equal(config.approval.expiresAfterMs, 72 * 3_600_000);
    assert.deepEqual(config.followUps.offsetsMs, [3 * 86_400_000, 7 * 86_400_000]);
    assert.equal(config.followUps.auto, false);
    assert.equal(config.digestAt, '08:00');
    assert.deepEqual(config.form.rateLimit, { max: 5, windowMs: 10 * 60_000 });
    assert.equal(config.http.trustedProxies, 0);
    assert.equal(config.jobs.heartbeatMs, 30_000);
    assert.equal(config.shutdownGraceMs, 30_000);
    assert.equal(config.databasePoolSize, 10);
  });

  it('reads the job heartbeat and the shutdown grace, refusing ones too short to work', () => {
    const config = loadConfig({ JOB_HEARTBEAT: '15s', SHUTDOWN_GRACE: '1m' });
    assert.equal(config.jobs.heartbeatMs, 15_000);
    assert.equal(config.shutdownGraceMs, 60_000);
    assert.throws(() => loadConfig({ JOB_HEARTBEAT: '5s', SHUTDOWN_GRACE: '500ms' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /JOB_HEARTBEAT: expected at least 10s, got "5s"/);
      assert.match(error.message, /SHUTDOWN_GRACE: expected at least 3s, got "500ms"/);
      return true;
    });
  });

  it('reads the lead form rate limit as submissions per window', () => {
    assert.deepEqual(loadConfig({ FORM_RATE_LIMIT: '20/1h' }).form.rateLimit, { max: 20, windowMs: 3_600_000 });
    for (const bad of ['20', '0/10m', 'five/10m', '5/soon']) {
      assert.throws(() => loadConfig({ FORM_RATE_LIMIT: bad }), /FORM_RATE_LIMIT: expected submissions per window such as 5\/10m/, bad);
    }
  });

  it('reads rate limits per role and for callers without a key, each of which may be off', () => {
    const defaults = loadConfig({}).rateLimits;
    assert.deepEqual(defaults.anonymous, { max: 600, windowMs: 60_000 });
    assert.deepEqual(defaults.byRole.admin, { max: 2400, windowMs: 60_000 });
    assert.equal(defaults.syncIntervalMs, 100);
    const configured = loadConfig({ RATE_LIMIT_VIEWER: '50/10s', RATE_LIMIT_ANONYMOUS: 'off', RATE_LIMIT_SYNC_INTERVAL: '250ms' }).rateLimits;
    assert.deepEqual(configured.byRole.viewer, { max: 50, windowMs: 10_000 });
    assert.equal(configured.anonymous, undefined);
    assert.equal(configured.syncIntervalMs, 250);
    assert.throws(() => loadConfig({ RATE_LIMIT_ADMIN: 'lots' }), /RATE_LIMIT_ADMIN: expected requests per window such as 2400\/1m, or off/);
    assert.throws(() => loadConfig({ FORM_RATE_LIMIT: 'off' }), /FORM_RATE_LIMIT/, 'the form always has its limit');
  });

  it('reads body limits as sizes', () => {
    assert.deepEqual(loadConfig({}).bodyLimits, { graphql: 1024 ** 2, webhook: 1024 ** 2 });
    assert.equal(loadConfig({ GRAPHQL_BODY_LIMIT: '512kb' }).bodyLimits.graphql, 512 * 1024);
    for (const bad of ['big', '10', '100mb', '512b']) {
      assert.throws(() => loadConfig({ WEBHOOK_BODY_LIMIT: bad }), /WEBHOOK_BODY_LIMIT: expected a size from 1kb to 64mb/, bad);
    }
  });

  it('puts providers with a key before offline in the default fallback chain', () => {
    assert.deepEqual(loadConfig({ OPENAI_API_KEY: 'sk-test', GEMINI_API_KEY: 'g-test' }).llm.providers, ['openai', 'gemini', 'offline']);
  });

  it('reports every bad variable at once, each with what is expected', () => {
    const environment = {
      PORT: 'eighty',
      DATABASE_URL: 'mysql://localhost/db',
      WORKER_CONCURRENCY: '0',
      APPROVAL_REMINDER_AFTER: 'soon',
      FOLLOW_UPS_AUTO: 'maybe',
      DIGEST_AT: '25:00',
      LLM_PROVIDERS: 'openai,claude',
      APPROVER_EMAILS: 'a@example.com,not-an-address',
    };
    assert.throws(
      () => loadConfig(environment),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const variables = error.problems.map((problem) => problem.split(':')[0] ?? '');
        for (const variable of ['PORT', 'DATABASE_URL', 'WORKER_CONCURRENCY', 'APPROVAL_REMINDER_AFTER', 'FOLLOW_UPS_AUTO', 'DIGEST_AT', 'LLM_PROVIDERS']) {
          assert.ok(variables.some((name) => name.startsWith(variable)), `${variable} is reported in ${error.message}`);
        }
        assert.ok(variables.some((name) => name.startsWith('APPROVER_EMAILS')));
        assert.match(error.message, /PORT: expected a whole number/);
        assert.match(error.message, /DIGEST_AT: expected a time of day such as 08:00/);
        return true;
      },
    );
  });

  it('never repeats a secret in its error messages', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@localhost/db', ADMIN_API_KEY: 'short-secret' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.doesNotMatch(error.message, /hunter2|short-secret/);
        assert.match(error.message, /ADMIN_API_KEY: expected at least 24 characters/);
        return true;
      },
    );
  });

  it('refuses combinations that cannot work', () => {
    assert.throws(
      () => loadConfig({ LLM_PROVIDERS: 'openai', SLACK_BOT_TOKEN: 'xoxb-1', SMTP_URL: 'smtp://localhost:25', APPROVAL_REMINDER_AFTER: '80h' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 5, error.message);
        return true;
      },
    );
  });
});
