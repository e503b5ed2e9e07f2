import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config.js';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { createLanguageModel } from '../../../src/agents/models/create-language-model.js';
import { MemoryAgentRunRecorder } from '../../../src/agents/models/with-run-recording.js';
import { reviewProposal } from '../../../src/agents/review-proposal.agent.js';
import { applyProposalChanges, proposalChangesOffline, reviseProposal } from '../../../src/agents/revise-proposal.agent.js';
import { writeProposal, writeProposalOffline } from '../../../src/agents/write-proposal.agent.js';
import { FakeOpenAIServer } from '../../fakes/fake-openai.server.js';
import { reviewInputFor, revisionInputFor, writerInputFor } from '../../unit/agents/proposal-writing.fixture.js';

const agency = loadAgencyConfig();

/** The writer's, reviewer's and reviser's schemas pass OpenAI's strict mode (as the fake checks it) and the answers parse. */
describe('proposal writer, reviewer and reviser through OpenAI', () => {
  const fake = new FakeOpenAIServer();
  before(() => fake.start());
  after(() => fake.close());

  it('accepts each schema in strict mode and records one run per model call', async () => {
    const recorder = new MemoryAgentRunRecorder();
    const { model } = createLanguageModel(loadConfig({ LLM_PROVIDERS: 'openai', OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.baseUrl }).llm, { recorder });
    const input = writerInputFor('DE', agency);

    const draft = writeProposalOffline(input, agency);
    fake.enqueue({ kind: 'answer', object: draft });
    const written = await writeProposal(model, input, agency);
    assert.equal(written.provider, 'openai');
    assert.equal(written.object.body, draft.body);

    fake.enqueue(
      { kind: 'answer', object: { thought: 'First the figures.', action: 'priceCheck', verdict: null } },
      { kind: 'answer', object: { thought: 'Then the language.', action: 'languageCheck', verdict: null } },
      { kind: 'answer', object: { thought: 'Good enough.', action: 'finish', verdict: { score: 92, findings: [{ check: 'style', severity: 'minor', message: 'The intro is long.', fix: 'Shorten it.' }] } } },
    );
    const review = await reviewProposal(model, reviewInputFor(input, written.object), agency);
    assert.equal(review.provider, 'openai');
    assert.deepEqual(review.object.steps.map((step) => step.action), ['priceCheck', 'languageCheck', 'requirementCoverage', 'promiseCheck', 'finish']);
    assert.equal(review.object.passed, true);
    assert.equal(review.object.score, 92);
    const third = fake.validRequests[3]!.body as { messages: { role: string; content: string }[] };
    assert.deepEqual(third.messages.map((message) => message.role), ['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    assert.match(third.messages[3]!.content, /<observation>/);

    const revisionInput = revisionInputFor(input, written.object, { source: 'approver', text: 'Bitte ohne App, dafür in 8 Wochen' });
    const changes = proposalChangesOffline(revisionInput, agency);
    const plan = applyProposalChanges(revisionInput, changes, agency);
    fake.enqueue({ kind: 'answer', object: changes }, { kind: 'answer', object: writeProposalOffline(plan.writerInput, agency) });
    const revision = await reviseProposal(model, revisionInput, agency);
    assert.equal(revision.provider, 'openai');
    assert.ok(!revision.object.workPackages.some((item) => item.componentId === 'mobile-app'));
    assert.deepEqual(revision.object.writerInput.timeline, { weeks: 8, month: null });

    assert.deepEqual(recorder.runs.map((run) => run.agent), ['proposal-writer', 'reviewer', 'reviewer', 'reviewer', 'reviser', 'proposal-writer']);
    assert.ok(recorder.runs.every((run) => run.provider === 'openai'));
  });
});
