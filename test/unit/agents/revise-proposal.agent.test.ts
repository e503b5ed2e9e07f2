import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import type { GenerateObjectRequest, GenerateObjectResult, LanguageModel } from '../../../src/agents/models/language-model.js';
import { formatMoney } from '../../../src/agents/agent-support.js';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { priceFloor, priceSchema } from '../../../src/agents/price-proposal.agent.js';
import { reviewProposalOffline } from '../../../src/agents/review-proposal.agent.js';
import { proposalChangesOffline, reviseProposal, reviseProposalOffline, type Revision } from '../../../src/agents/revise-proposal.agent.js';
import { ScriptedLanguageModel } from '../../fakes/scripted-language-model.js';
import { DEFAULT_PRICES } from '../../../src/agents/models/prices.js';
import { MemoryAgentRunRecorder, withRunRecording } from '../../../src/agents/models/with-run-recording.js';
import { flawedProposals, reviewInputFor, revisionInputFor, writerInputFor } from './proposal-writing.fixture.js';

const agency = loadAgencyConfig();
const reviewOf = (revision: Revision) => reviewProposalOffline(reviewInputFor(revision.writerInput, revision, revision.price), agency);

describe(reviseProposalOffline.name, () => {
  const cases = flawedProposals(agency);

  for (const key of ['underPriced', 'incomplete', 'wrongLanguage', 'promising'] as const) {
    it(`fixes the ${key} proposal from the reviewer's findings so that the reviewer then passes it`, () => {
      const flawed = cases[key];
      const before = reviewProposalOffline(reviewInputFor(flawed.input, flawed.written), agency);
      assert.equal(before.passed, false);
      const revision = reviseProposalOffline(revisionInputFor(flawed.input, flawed.written, { source: 'reviewer', findings: before.findings }), agency);
      priceSchema(agency).parse(revision.price);
      const after = reviewOf(revision);
      assert.deepEqual(after.findings, []);
      assert.equal(after.passed, true);
      assert.notEqual(revision.body, flawed.written.body);
      if (key === 'underPriced') {
        assert.ok(revision.price.total > flawed.input.price.total);
        assert.equal(revision.price.total, cases.input.price.total);
        assert.ok(revision.applied.some((line) => /Re-priced from the estimate/.test(line)));
      }
      if (key === 'incomplete') assert.ok(revision.body.includes(cases.missing.title));
    });
  }
});

describe('approver feedback', () => {
  const input = writerInputFor('DE', agency);
  const current = { title: 'Angebot', body: 'Der aktuelle Text.' };
  const revise = (text: string, base = input) => reviseProposalOffline(revisionInputFor(base, current, { source: 'approver', text }), agency);

  it('applies "please reduce the price by 10 %" as a discount within the maximum', () => {
    const revision = revise('Please reduce the price by 10 %.');
    assert.equal(revision.price.discountPercent, 10);
    assert.equal(revision.price.total, Math.round(input.price.subtotal * 0.9));
    assert.deepEqual(revision.notApplied, []);
    assert.ok(revision.body.includes(formatMoney(agency, revision.price.total, 'de')));
    assert.match(revision.body, /Nachlass \(10\s%\)/);
    assert.equal(reviewOf(revision).passed, true);
  });

  it('removes the mobile app: its requirement, work package and line item cost', () => {
    const revision = revise('Remove the mobile app.');
    assert.ok(!revision.writerInput.requirements.some((requirement) => requirement.componentIds.includes('mobile-app')));
    assert.ok(!revision.workPackages.some((item) => item.componentId === 'mobile-app'));
    assert.ok(!revision.writerInput.design.chosen.componentIds.includes('mobile-app'));
    assert.ok(!revision.writerInput.design.stack.includes('React Native'));
    assert.ok(revision.price.total < input.price.total);
    assert.doesNotMatch(revision.body, /Mobile App|iOS/);
    assert.ok(revision.applied.some((line) => /Removed Mobile app/.test(line)));
    assert.equal(reviewOf(revision).passed, true);
  });

  it('applies "Bitte ohne App, dafür in 8 Wochen": scope and timeline', () => {
    const revision = revise('Bitte ohne App, dafür in 8 Wochen');
    assert.ok(!revision.workPackages.some((item) => item.componentId === 'mobile-app'));
    assert.deepEqual(revision.writerInput.timeline, { weeks: 8, month: null });
    assert.match(revision.body, /in 8 Wochen/);
    assert.deepEqual(revision.notApplied, []);
    assert.equal(reviewOf(revision).passed, true);
  });

  it('reads French and Spanish too', () => {
    const french = revise("Sans l'application mobile, s'il vous plaît.");
    assert.ok(!french.workPackages.some((item) => item.componentId === 'mobile-app'));
    const spanish = revise('Un descuento del 5 % y entrega antes de finales de marzo.');
    assert.equal(spanish.price.discountPercent, 5);
    assert.equal(spanish.writerInput.timeline?.month, 3);
  });

  it('puts an impossible request in notApplied with the reason, and changes nothing for it', () => {
    const free = revise('Make it free.');
    assert.equal(free.price.total, input.price.total);
    assert.equal(free.notApplied.length, 1);
    assert.match(free.notApplied[0]!, /does not work for free/);
    const deep = revise('Gib ihnen 30 % Rabatt.');
    assert.equal(deep.price.discountPercent, 0);
    assert.match(deep.notApplied.join(' '), /at most 10 %/);
    const target = revise('Reduce to 20k.');
    assert.equal(target.price.total, input.price.total);
    assert.match(target.notApplied.join(' '), /would need a .* % discount/);
    const tooFast = revise('Deliver in 1 week.');
    assert.equal(tooFast.writerInput.timeline, null);
    assert.match(tooFast.notApplied.join(' '), /need at least/);
    const wording = revise('Bitte den Einleitungstext kürzen.');
    assert.match(wording.notApplied.join(' '), /edit the text by hand/);
  });

  it('re-prices a current price that breaks the rules before applying anything else', () => {
    const broken = { ...input, price: { ...input.price, discountPercent: 40, total: Math.round(input.price.subtotal * 0.6) } };
    const revision = revise('In 20 Wochen liefern.', broken);
    assert.equal(revision.price.discountPercent, 0);
    assert.equal(revision.price.total, input.price.total);
    assert.deepEqual(revision.writerInput.timeline, { weeks: 20, month: null });
  });

  it('meets a reachable price target with a discount and never goes below the floor', () => {
    const target = Math.round(input.price.subtotal * 0.95);
    const revision = revise(`Bitte auf ${target.toLocaleString('de-DE')} € reduzieren.`);
    assert.ok(Math.abs(revision.price.total - target) <= 3, `${revision.price.total} vs ${target}`);
    assert.ok(revision.price.discountPercent <= agency.pricing.maxDiscountPercent);
    const floor = revise(`Reduce to ${priceFloor(agency) - 1000} €.`);
    assert.match(floor.notApplied.join(' '), /below the agency's minimum/);
  });
});

describe(reviseProposal.name, () => {
  it('records a reviser run for the changes and a proposal-writer run for the re-write', async () => {
    const recorder = new MemoryAgentRunRecorder();
    const model = withRunRecording(new ScriptedLanguageModel('openai'), { recorder, prices: DEFAULT_PRICES });
    const input = writerInputFor('EN', agency);
    const result = await reviseProposal(model, revisionInputFor(input, { title: 't', body: 'b' }, { source: 'approver', text: 'Remove the mobile app' }), agency, { leadId: null });
    assert.deepEqual(recorder.runs.map((run) => run.agent), ['reviser', 'proposal-writer']);
    assert.ok(!result.object.workPackages.some((item) => item.componentId === 'mobile-app'));
    assert.equal(result.attempts.length, 2);
  });

  it("never lets the model's changes set a total outside the bounds: they land in notApplied", async () => {
    const input = writerInputFor('EN', agency);
    const changes = { ...proposalChangesOffline(revisionInputFor(input, { title: 't', body: 'b' }, { source: 'approver', text: 'ok' }), agency), discountPercent: 90, priceTarget: 100 };
    const model: LanguageModel = {
      provider: 'openai',
      model: 'changes-model',
      async generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
        const object = request.schema.parse(request.schemaName === 'proposal_changes' ? changes : await request.offline!()) as z.output<S>;
        const usage = { inputTokens: 1, outputTokens: 1 };
        return { object, usage, latencyMs: 1, provider: 'openai', model: 'changes-model', attempts: [{ provider: 'openai', model: 'changes-model', errorClass: null, message: null, latencyMs: 1, usage }] };
      },
    };
    const result = await reviseProposal(model, revisionInputFor(input, { title: 't', body: 'b' }, { source: 'approver', text: 'Give them 90 % off, make it 100 €.' }), agency);
    assert.equal(result.object.price.discountPercent, 0);
    assert.equal(result.object.price.total, input.price.total);
    assert.match(result.object.notApplied.join(' '), /at most 10 %/);
    assert.match(result.object.notApplied.join(' '), /below the agency's minimum/);
  });
});
