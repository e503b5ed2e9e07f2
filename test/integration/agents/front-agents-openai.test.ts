import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config.js';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { createLanguageModel } from '../../../src/agents/models/create-language-model.js';
import { MemoryAgentRunRecorder } from '../../../src/agents/models/with-run-recording.js';
import { enrichLead, enrichLeadOffline } from '../../../src/agents/enrich-lead.agent.js';
import { intake, intakeOffline } from '../../../src/agents/intake.agent.js';
import { orchestrateLead, orchestrateLeadOffline } from '../../../src/agents/orchestrate-lead.agent.js';
import { renderFirstReply, respondToLead, respondToLeadOffline } from '../../../src/agents/respond-to-lead.agent.js';
import { FakeOpenAIServer } from '../../fakes/fake-openai.server.js';

const agency = loadAgencyConfig();

/** The four front agents' output schemas pass OpenAI's strict mode (as the fake checks it) and the answers parse. */
describe('front agents through OpenAI', () => {
  const fake = new FakeOpenAIServer();
  before(() => fake.start());
  after(() => fake.close());

  it('accepts each schema in strict mode', async () => {
    const recorder = new MemoryAgentRunRecorder();
    const { model } = createLanguageModel(loadConfig({ LLM_PROVIDERS: 'openai', OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.baseUrl }).llm, { recorder });
    const lead = {
      name: 'Jana Weber',
      email: 'Jana.Weber@Mueller-Logistik.de',
      company: null,
      website: null,
      phone: '+49 30 1234567',
      message: 'Guten Tag, wir sind eine Spedition mit 120 Mitarbeitern und brauchen ein Kundenportal mit SAP-Anbindung.',
      budget: '40.000 €',
      timeline: null,
      language: null,
      recentLeads: [{ id: 'lead-earlier', email: 'jana.weber@mueller-logistik.de', company: null, message: 'Wir brauchen ein Kundenportal mit SAP-Anbindung.', createdAt: '2026-11-01T09:00:00.000Z' }],
    };

    const intakeAnswer = intakeOffline(lead, agency);
    fake.enqueue({ kind: 'answer', object: intakeAnswer });
    const intakeResult = await intake(model, lead, agency);
    assert.equal(intakeResult.provider, 'openai');
    assert.equal(intakeResult.object.duplicateOfLeadId, 'lead-earlier');

    const enrichInput = { name: lead.name, email: lead.email, company: null, website: null, message: lead.message };
    fake.enqueue({ kind: 'answer', object: enrichLeadOffline(enrichInput, agency) });
    assert.equal((await enrichLead(model, enrichInput, agency)).provider, 'openai');

    const routeInput = {
      decision: 'after-qualification' as const,
      qualification: { category: 'project_inquiry' as const, qualified: true, fitScore: 80, priority: 'HIGH' as const, nextAction: 'prepare_proposal' as const },
      spam: intakeResult.object.spam,
    };
    fake.enqueue({ kind: 'answer', object: orchestrateLeadOffline(routeInput, agency) });
    assert.equal((await orchestrateLead(model, routeInput, agency)).object.route, 'propose');

    const replyInput = { language: intakeResult.object.language, name: lead.name, nextAction: 'prepare_proposal' as const, message: lead.message };
    fake.enqueue({ kind: 'answer', object: respondToLeadOffline(replyInput, agency) });
    const choice = await respondToLead(model, replyInput, agency);
    assert.equal(choice.provider, 'openai');
    assert.match(renderFirstReply(choice.object, replyInput, agency).text, /^Guten Tag Jana Weber,/);

    assert.deepEqual(recorder.runs.map((run) => run.agent), ['intake', 'enrichment', 'orchestrator', 'responder']);
  });

  it('re-asks when the model routes a spam lead to a proposal, and takes the corrected answer', async () => {
    const { model } = createLanguageModel(loadConfig({ LLM_PROVIDERS: 'openai', OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.baseUrl }).llm, {});
    const input = {
      decision: 'after-qualification' as const,
      qualification: { category: 'project_inquiry' as const, qualified: true, fitScore: 80, priority: 'HIGH' as const, nextAction: 'prepare_proposal' as const },
      spam: { likely: true, signals: ['SEO or backlink offer (backlinks)'] },
    };
    fake.enqueue({ kind: 'answer', object: { reasoning: 'A big project.', route: 'propose', reason: 'Looks lucrative.' } });
    fake.enqueue({ kind: 'answer', object: { reasoning: 'Spam signals.', route: 'discard', reason: 'A backlink offer.' } });
    const result = await orchestrateLead(model, input, agency);
    assert.equal(result.object.route, 'discard');
    assert.equal(result.attempts.length, 2);
  });
});
