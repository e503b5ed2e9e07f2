import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { evalEnvironment } from '../../../eval/eval-environment.js';
import { parseEvalOptions, UsageError } from '../../../eval/eval-options.js';

describe('parseEvalOptions', () => {
  it('defaults to the offline provider, every case, all at once, 120 s per lead', () => {
    assert.deepEqual(parseEvalOptions([]), {
      provider: 'offline',
      promptVersions: [],
      only: [],
      concurrency: null,
      timeoutMs: 120_000,
      pollMs: 100,
      out: null,
      leadsDir: 'eval/leads',
      databaseUrl: null,
      keepData: false,
      gate: false,
      gateOnly: null,
      help: false,
    });
  });

  it('judges only the named gates with --gate-only, which implies --gate, and refuses an unknown metric', () => {
    const options = parseEvalOptions(['--gate-only', 'qualification, price']);
    assert.equal(options.gate, true);
    assert.deepEqual(options.gateOnly, ['qualification', 'price']);
    assert.throws(() => parseEvalOptions(['--gate-only', 'speed']), /--gate-only: expected metrics among qualification, language, requirements, price, injection/);
  });

  it('reads repeatable prompt versions and filters, and gives a real provider more time', () => {
    const options = parseEvalOptions(['--provider', 'openai', '--prompt-version', 'pricing=prompts/a.txt', '--prompt-version', 'writer = b.txt', '--only', 'de-', '--only', 'fr-', '--concurrency', '4', '--gate']);
    assert.deepEqual(options.promptVersions, [
      { agent: 'pricing', file: 'prompts/a.txt' },
      { agent: 'writer', file: 'b.txt' },
    ]);
    assert.deepEqual(options.only, ['de-', 'fr-']);
    assert.equal(options.concurrency, 4);
    assert.equal(options.timeoutMs, 600_000);
    assert.equal(options.gate, true);
  });

  it('refuses what it does not understand rather than evaluating something else', () => {
    assert.throws(() => parseEvalOptions(['--provider', 'claude']), UsageError);
    assert.throws(() => parseEvalOptions(['--prompt-version', 'pricing']), /expected <agent>=<file>/);
    assert.throws(() => parseEvalOptions(['--prompt-version', 'a=x', '--prompt-version', 'a=y']), /"a" is given twice/);
    assert.throws(() => parseEvalOptions(['--concurrency', '0']), /--concurrency: expected at least 1/);
    assert.throws(() => parseEvalOptions(['--promt-version', 'a=x']), UsageError);
  });
});

describe('evalEnvironment', () => {
  const developer = {
    OPENAI_API_KEY: 'sk-test',
    OPENAI_MODEL: 'gpt-test',
    DATABASE_URL: 'postgres://me@127.0.0.1/leadpilot',
    SMTP_URL: 'smtp://me:secret@mail.example.com:587',
    MAIL_FROM: 'Me <me@example.com>',
    SLACK_BOT_TOKEN: 'xoxb-test',
    PORT: '4000',
    LLM_PROVIDERS: 'openai,offline',
  };

  it('configures one provider on a fresh database, with nothing that could mail or post to anyone', () => {
    const config = loadConfig(evalEnvironment(developer, { provider: 'offline', databaseUrl: null }, '/tmp/eval-data', 'k'.repeat(32)));
    assert.deepEqual(config.llm.providers, ['offline']);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.dataDir, '/tmp/eval-data');
    assert.equal(config.http.port, 0);
    assert.equal(config.http.host, '127.0.0.1');
    assert.equal(config.mail.smtpUrl, undefined);
    assert.equal(config.slack.botToken, undefined);
    assert.equal(config.adminApiKey, 'k'.repeat(32));
    assert.equal(config.llm.openai.model, 'gpt-test');
  });

  it('keeps the rate limiter on but far above a harness polling a hundred leads with its admin key', () => {
    const config = loadConfig(evalEnvironment(developer, { provider: 'offline', databaseUrl: null }, '/tmp/eval-data', 'k'.repeat(32)));
    const admin = config.rateLimits.byRole.admin;
    assert.ok(admin, 'the limiter is on');
    // 99 leads polled every few hundred milliseconds: tens of thousands of requests a minute.
    assert.ok(admin.max / (admin.windowMs / 60_000) >= 1_000_000, `admin limit ${admin.max} per ${admin.windowMs} ms`);
  });

  it('uses a database only when asked to, and a real provider only with its key', () => {
    const config = loadConfig(evalEnvironment(developer, { provider: 'openai', databaseUrl: 'postgres://eval@127.0.0.1/eval' }, '/tmp/d', 'k'.repeat(32)));
    assert.deepEqual(config.llm.providers, ['openai']);
    assert.equal(config.databaseUrl, 'postgres://eval@127.0.0.1/eval');
    assert.throws(() => loadConfig(evalEnvironment({}, { provider: 'gemini', databaseUrl: null }, '/tmp/d', 'k'.repeat(32))), ConfigError);
  });
});
