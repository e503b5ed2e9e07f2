import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../../../src/config.js';
import { makeDataSource } from '../../../../src/database/data-source.js';
import { loadAgencyConfig } from '../../../../src/agents/agency-config.js';
import { TypeOrmAgentRunRecorder } from '../../../../src/agents/models/agent-run.recorder.js';
import { createLanguageModel } from '../../../../src/agents/models/create-language-model.js';
import type { AgentRunRecord } from '../../../../src/agents/models/with-run-recording.js';
import { qualifyLead, type QualifyLeadInput } from '../../../../src/agents/qualify-lead.agent.js';
import { createTestDatabase, type TestDatabase } from '../../../helpers/database.js';
import { FakeGeminiServer } from '../../../fakes/fake-gemini.server.js';
import { FakeOpenAIServer } from '../../../fakes/fake-openai.server.js';

const agency = loadAgencyConfig();
const input: QualifyLeadInput = {
  name: 'Jana Berger',
  email: 'jana@berger.example',
  company: 'Berger Logistik',
  message: 'Wir brauchen ein Kundenportal mit Sendungsverfolgung und einer Anbindung an SAP.',
  budget: 30_000,
  timeline: 'Q3',
  language: 'de',
};
const answer = {
  reasoning: '1. A customer portal with SAP integration. 2. Genuine. 3. Fits. 4. Budget fine. 5. Clear.',
  category: 'project_inquiry',
  qualified: true,
  fitScore: 80,
  priority: 'HIGH',
  nextAction: 'prepare_proposal',
  matchedServices: ['web-apps', 'integrations'],
  reasons: ['Customer portal with SAP integration.'],
};

const sampleRun: AgentRunRecord = {
  leadId: null,
  agent: 'qualification',
  strategy: 'direct',
  provider: 'offline',
  model: 'rules',
  promptVersion: null,
  attempts: [{ provider: 'offline', model: 'rules', errorClass: null, message: 'with "quotes", a \\ backslash and {braces}', latencyMs: 1, inputTokens: 10, outputTokens: 5 }],
  inputTokens: 10,
  outputTokens: 5,
  cost: 0.000123,
  latencyMs: 1,
  status: 'succeeded',
  error: null,
  createdAt: new Date('2026-11-25T10:00:00Z'),
};

interface Row {
  lead_id: string | null;
  agent: string;
  strategy: string;
  provider: string | null;
  model: string | null;
  prompt_version: string | null;
  attempts: { provider: string; model: string; errorClass: string | null; message: string | null; latencyMs: number; inputTokens: number }[];
  input_tokens: number;
  output_tokens: number;
  cost: string;
  latency_ms: number;
  status: string;
  error: string | null;
}

describe(TypeOrmAgentRunRecorder.name, () => {
  const openaiFake = new FakeOpenAIServer();
  const geminiFake = new FakeGeminiServer();
  let database: TestDatabase;
  let dataSource: DataSource;
  let leadId: string;

  const qualify = (env: Record<string, string> = {}) => {
    const llm = loadConfig({
      OPENAI_API_KEY: openaiFake.apiKey,
      OPENAI_BASE_URL: openaiFake.baseUrl,
      GEMINI_API_KEY: geminiFake.apiKey,
      GEMINI_BASE_URL: geminiFake.baseUrl,
      LLM_MAX_ATTEMPTS: '2',
      ...env,
    }).llm;
    const { model } = createLanguageModel(llm, { recorder: new TypeOrmAgentRunRecorder(dataSource), retry: { initialDelayMs: 2, maxDelayMs: 5 } });
    return qualifyLead(input, { model, agency, leadId });
  };
  const lastRow = async (): Promise<Row> => {
    const rows = (await dataSource.query(`SELECT * FROM agent_runs ORDER BY created_at DESC LIMIT 1`)) as Row[];
    assert.ok(rows[0], 'a row was written');
    return rows[0];
  };
  const story = (row: Row) => row.attempts.map((attempt) => `${attempt.provider}:${attempt.errorClass ?? 'ok'}`);

  before(async () => {
    await Promise.all([openaiFake.start(), geminiFake.start()]);
    database = await createTestDatabase();
    dataSource = makeDataSource({ url: database.url, poolSize: 2 });
    await dataSource.initialize();
    const [lead] = (await dataSource.query(
      `INSERT INTO leads (name, email, message, language, source) VALUES ($1, $2, $3, 'de', 'api') RETURNING id`,
      [input.name, input.email, input.message],
    )) as { id: string }[];
    leadId = lead!.id;
  });
  after(async () => {
    await dataSource?.destroy();
    await database?.drop();
    await Promise.all([openaiFake.close(), geminiFake.close()]);
  });
  beforeEach(() => {
    for (const fake of [openaiFake, geminiFake]) {
      fake.requests.length = 0;
      fake.otherwise('answer');
    }
  });

  it('tells of an answer on the first try: who answered, the tokens, the cost', async () => {
    openaiFake.enqueue({ kind: 'answer', object: answer });

    await qualify();

    const row = await lastRow();
    assert.equal(row.lead_id, leadId);
    assert.deepEqual([row.agent, row.strategy, row.prompt_version], ['qualification', 'chain-of-thought', 'qualify-lead/v1']);
    assert.deepEqual([row.provider, row.model, row.status, row.error], ['openai', 'gpt-4.1-mini-2025-04-14', 'succeeded', null]);
    assert.deepEqual(story(row), ['openai:ok']);
    assert.ok(row.input_tokens > 0 && row.output_tokens > 0);
    const expected = (row.input_tokens * 0.4 + row.output_tokens * 1.6) / 1_000_000;
    assert.equal(Number(row.cost), Math.round(expected * 1e6) / 1e6, 'numeric(12,6) holds the estimate at gpt-4.1-mini prices');
    assert.ok(row.latency_ms >= 0);
  });

  it('tells of a rate limit waited out, then an answer', async () => {
    openaiFake.enqueue({ kind: 'rate_limited', retryAfterSeconds: 0 }, { kind: 'answer', object: answer });

    await qualify();

    const row = await lastRow();
    assert.deepEqual(story(row), ['openai:rate_limited', 'openai:ok']);
    assert.match(row.attempts[0]!.message!, /openai 429: Rate limit reached/);
  });

  it('tells of OpenAI failing and Gemini answering', async () => {
    openaiFake.otherwise('server_error');
    geminiFake.enqueue({ kind: 'answer', object: answer });

    await qualify();

    const row = await lastRow();
    assert.deepEqual(story(row), ['openai:server_error', 'openai:server_error', 'gemini:ok']);
    assert.deepEqual([row.provider, row.model, row.status], ['gemini', 'gemini-2.5-flash', 'succeeded']);
  });

  it('tells of an invalid answer repaired on the re-ask, both paid for', async () => {
    openaiFake.enqueue('invalid_json', { kind: 'answer', object: answer });

    await qualify();

    const row = await lastRow();
    assert.deepEqual(story(row), ['openai:invalid_output', 'openai:ok']);
    assert.equal(row.input_tokens, row.attempts.reduce((sum, attempt) => sum + attempt.inputTokens, 0));
  });

  it('tells of both providers down and the offline rules answering, at no cost', async () => {
    openaiFake.otherwise('quota_exhausted');
    geminiFake.otherwise('unavailable');

    const result = await qualify();

    const row = await lastRow();
    assert.equal(result.provider, 'offline');
    assert.deepEqual(story(row), ['openai:quota_exhausted', 'gemini:server_error', 'gemini:server_error', 'offline:ok']);
    assert.deepEqual([row.provider, row.model, row.status, Number(row.cost)], ['offline', 'rules', 'succeeded', 0]);
  });

  it('tells of a failure: nobody answered, and why', async () => {
    openaiFake.otherwise('quota_exhausted');

    await assert.rejects(qualify({ LLM_PROVIDERS: 'openai' }));

    const row = await lastRow();
    assert.deepEqual([row.provider, row.model, row.status], [null, null, 'failed']);
    assert.deepEqual(story(row), ['openai:quota_exhausted']);
    assert.match(row.error!, /openai 429: You exceeded your current quota/);
  });

  it('writes the runs of concurrent calls in one statement, each call resolving once its row is there', async () => {
    const recorder = new TypeOrmAgentRunRecorder(dataSource);
    const run = (agent: string) => ({ ...sampleRun, leadId, agent });

    await Promise.all([recorder.record(run('batch-a')), recorder.record(run('batch-b')), recorder.record(run('batch-c'))]);

    const rows = (await dataSource.query(
      `SELECT agent, xmin::text AS tx, attempts, cost::text, created_at FROM agent_runs WHERE agent LIKE 'batch-%' ORDER BY agent`,
    )) as { agent: string; tx: string; attempts: unknown; cost: string; created_at: Date }[];
    assert.deepEqual(rows.map((row) => row.agent), ['batch-a', 'batch-b', 'batch-c']);
    assert.equal(new Set(rows.map((row) => row.tx)).size, 1, 'one transaction wrote all three');
    assert.deepEqual(rows[0]!.attempts, sampleRun.attempts, 'the attempts survive the array round trip verbatim');
    assert.deepEqual([rows[0]!.cost, rows[0]!.created_at.toISOString()], ['0.000123', '2026-11-25T10:00:00.000Z']);
  });

  it('fails only the record whose row cannot be written when a batch holds a bad one', async () => {
    const recorder = new TypeOrmAgentRunRecorder(dataSource);
    const unknownLead = '00000000-0000-4000-8000-000000000000';

    const outcomes = await Promise.allSettled([
      recorder.record({ ...sampleRun, leadId, agent: 'mixed-good-1' }),
      recorder.record({ ...sampleRun, leadId: unknownLead, agent: 'mixed-bad' }),
      recorder.record({ ...sampleRun, leadId, agent: 'mixed-good-2' }),
    ]);

    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /foreign key/);
    const rows = (await dataSource.query(`SELECT agent FROM agent_runs WHERE agent LIKE 'mixed-%' ORDER BY agent`)) as { agent: string }[];
    assert.deepEqual(rows.map((row) => row.agent), ['mixed-good-1', 'mixed-good-2']);
  });

  it('keeps the keys out of the rows', async () => {
    await qualify({ OPENAI_API_KEY: 'sk-live-TOPSECRET-1234', GEMINI_API_KEY: 'AIzaTOPSECRET-abcdefghij' });

    const rows = await dataSource.query(`SELECT attempts::text, error FROM agent_runs`);
    assert.doesNotMatch(JSON.stringify(rows), /TOPSECRET|1234|abcdefghij/);
  });
});
