import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import { formatMoney } from '../../../src/agents/agent-support.js';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import type { GenerateObjectRequest, GenerateObjectResult, LanguageModel } from '../../../src/agents/models/language-model.js';
import { reviewProposal, reviewProposalOffline, reviewStepSchema, type ReviewStep } from '../../../src/agents/review-proposal.agent.js';
import { languageCheck, priceCheck, promiseCheck, requirementCoverage, reviewSubjectSchema, scoreFindings } from '../../../src/agents/review-tools.js';
import { ScriptedLanguageModel } from '../../fakes/scripted-language-model.js';
import { flawedProposals, reviewInputFor } from './proposal-writing.fixture.js';

const agency = loadAgencyConfig();
const threshold = agency.review.threshold;

describe(reviewProposalOffline.name, () => {
  const cases = flawedProposals(agency);

  it('passes a good proposal after running each tool once, then finishing', () => {
    const review = reviewProposalOffline(reviewInputFor(cases.input, cases.good), agency);
    assert.deepEqual(review.findings, []);
    assert.equal(review.passed, true);
    assert.ok(review.score >= threshold);
    assert.deepEqual(review.steps.map((step) => step.action), ['requirementCoverage', 'priceCheck', 'languageCheck', 'promiseCheck', 'finish']);
  });

  const flagged: [string, keyof typeof cases, string, RegExp][] = [
    ['an under-priced one', 'underPriced', 'priceCheck', /Under-priced/],
    ['an incomplete one', 'incomplete', 'requirementCoverage', /is not addressed/],
    ['one in the wrong language', 'wrongLanguage', 'languageCheck', /reads as en, the lead writes de/],
    ['one promising a 90 % discount', 'promising', 'promiseCheck', /90 % discount/],
  ];
  for (const [what, key, check, message] of flagged) {
    it(`flags ${what} below the threshold, with ${check}`, () => {
      const flawed = cases[key] as { input: typeof cases.input; written: { title: string; body: string } };
      const review = reviewProposalOffline(reviewInputFor(flawed.input, flawed.written), agency);
      assert.equal(review.passed, false);
      assert.ok(review.score < threshold, `score ${review.score}`);
      const finding = review.findings.find((entry) => entry.check === check);
      assert.ok(finding, `no ${check} finding in ${JSON.stringify(review.findings)}`);
      assert.equal(finding.severity, 'blocking');
      assert.match(finding.message, message);
      assert.ok(finding.fix.length > 0);
    });
  }

  it('names the missing requirement', () => {
    const review = reviewProposalOffline(reviewInputFor(cases.incomplete.input, cases.incomplete.written), agency);
    assert.ok(review.findings.some((finding) => finding.message.includes(cases.missing.id)));
  });
});

describe('the review tools', () => {
  const { input, good } = flawedProposals(agency);
  const subject = (body: string, overrides: Partial<ReturnType<typeof reviewInputFor>> = {}) => reviewSubjectSchema.parse({ ...reviewInputFor(input, { title: good.title, body }), ...overrides });

  it('requirementCoverage accepts key terms in other word forms and lists what is missing', () => {
    const observed = requirementCoverage(reviewSubjectSchema.parse({ ...subject('Wir bauen die Kundenportale und die Schnittstellen.'), requirements: [{ id: 'REQ-1', title: 'Kundenportal' }, { id: 'REQ-2', title: 'Datenmigration' }] }));
    assert.equal(observed.passed, false);
    assert.deepEqual(observed.findings.map((finding) => finding.message), ['REQ-2 "Datenmigration" is not addressed.']);
  });

  it('priceCheck catches a rate off the rate card, a discount above the maximum and a total the body does not state', () => {
    const line = input.price.lineItems[0]!;
    const wrongRate = priceCheck(subject(good.body, { price: { ...input.price, lineItems: [{ ...line, dayRate: line.dayRate - 100, amount: line.days * (line.dayRate - 100) }, ...input.price.lineItems.slice(1)] } }), agency);
    assert.match(wrongRate.summary, /the rate card says/);
    const discounted = priceCheck(subject(good.body, { price: { ...input.price, discountPercent: 25, total: Math.round(input.price.subtotal * 0.75) } }), agency);
    assert.match(discounted.summary, /exceeds the maximum of 10 %/);
    const silent = priceCheck(subject(good.body.replaceAll(formatMoney(agency, input.price.total, 'de'), 'ein fairer Preis')), agency);
    assert.match(silent.summary, /does not state the total/);
  });

  it('languageCheck compares the detected language with the lead\'s', () => {
    assert.equal(languageCheck(subject(good.body)).passed, true);
    assert.equal(languageCheck(subject(good.body, { language: 'FR' })).passed, false);
  });

  it('promiseCheck finds guarantees, free offers, deadlines outside the plan and talk of instructions, in four languages', () => {
    const flagged = [
      'Wir garantieren den Erfolg.',
      'The design phase is free of charge.',
      'La maintenance est gratuite.',
      'Entregamos en 2 semanas.',
      'We will go live by March.',
      'Wie in meinem System-Prompt steht, …',
      'Nous vous accordons une remise de 30 % sur le total.',
    ];
    for (const sentence of flagged) assert.equal(promiseCheck(subject(`${good.body}\n\n${sentence}`), agency).passed, false, sentence);
    assert.equal(promiseCheck(subject(`${good.body}\n\nFeel free to call us.`), agency).passed, true);
    assert.equal(promiseCheck(subject(`${good.body}\n\nWir liefern bis Ende März.`, { timeline: { weeks: null, month: 3 } }), agency).passed, true);
    assert.equal(promiseCheck(subject(`${good.body}\n\nWir liefern in 8 Wochen.`, { timeline: { weeks: 8, month: null } }), agency).passed, true);
  });

  it('scoreFindings keeps any blocking finding below the threshold', () => {
    assert.equal(scoreFindings([], 80), 100);
    assert.equal(scoreFindings([{ check: 'style', severity: 'minor', message: 'm', fix: 'f' }], 80, 90), 90);
    assert.equal(scoreFindings([{ check: 'priceCheck', severity: 'blocking', message: 'm', fix: 'f' }], 80, 100), 70);
    assert.equal(scoreFindings([{ check: 'priceCheck', severity: 'blocking', message: 'm', fix: 'f' }], 95, 100), 70);
    assert.equal(scoreFindings([{ check: 'priceCheck', severity: 'blocking', message: 'm', fix: 'f' }], 60, 100), 59);
  });
});

/** A model that answers each step from a function of the request: for loops that never finish or lie. */
class StepModel implements LanguageModel {
  readonly provider = 'openai';
  readonly model = 'step-model';
  requests: GenerateObjectRequest<z.ZodType>[] = [];
  constructor(private readonly answer: (call: number) => ReviewStep) {}
  async generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
    this.requests.push(request);
    const object = request.schema.parse(this.answer(this.requests.length)) as z.output<S>;
    const usage = { inputTokens: 100, outputTokens: 20 };
    return { object, usage, latencyMs: 2, provider: this.provider, model: this.model, attempts: [{ provider: this.provider, model: this.model, errorClass: null, message: null, latencyMs: 2, usage }] };
  }
}

describe(reviewProposal.name, () => {
  const cases = flawedProposals(agency);
  const good = reviewInputFor(cases.input, cases.good);
  const cheap = reviewInputFor(cases.underPriced.input, cases.underPriced.written);

  it('runs the ReAct loop through the model: one call per step, tools called, then finish', async () => {
    const model = new ScriptedLanguageModel('openai');
    const result = await reviewProposal(model, good, agency);
    assert.equal(model.calls, 5);
    assert.deepEqual(result.object.steps.map((step) => step.action), ['requirementCoverage', 'priceCheck', 'languageCheck', 'promiseCheck', 'finish']);
    assert.equal(result.object.passed, true);
    assert.equal(result.attempts.length, 5);
    assert.deepEqual(result.usage, { inputTokens: 50, outputTokens: 25 });
  });

  it('stops at maxSteps and runs the tools the model did not call itself', async () => {
    const model = new ScriptedLanguageModel('openai');
    const result = await reviewProposal(model, cheap, agency, { maxSteps: 2 });
    assert.equal(model.calls, 2);
    const actions = result.object.steps.map((step) => step.action);
    assert.deepEqual(actions, ['requirementCoverage', 'priceCheck', 'languageCheck', 'promiseCheck']);
    assert.match(result.object.steps[2]!.thought, /Not called by the model/);
    assert.equal(result.object.passed, false);
  });

  it('stops a model that never finishes at maxSteps, with every observation appended as the next message', async () => {
    const model = new StepModel(() => ({ thought: 'Let me check the price once more.', action: 'priceCheck', verdict: null }));
    const result = await reviewProposal(model, good, agency, { maxSteps: 3 });
    assert.equal(model.requests.length, 3);
    assert.equal(model.requests[2]!.messages.length, 5);
    assert.match(model.requests[1]!.messages[2]!.content, /<observation>[\s\S]*priceCheck/);
    assert.equal(model.requests[1]!.messages[1]!.role, 'assistant');
    assert.deepEqual(model.requests.map((request) => request.run?.agent), ['reviewer', 'reviewer', 'reviewer']);
    assert.equal(result.object.passed, true);
    assert.equal(result.object.steps.filter((step) => step.action === 'priceCheck').length, 3);
  });

  it("bounds a model's verdict by the tools: a perfect score for an under-priced proposal does not pass", async () => {
    const model = new StepModel((call) =>
      call === 1 ? { thought: 'Check the price.', action: 'priceCheck', verdict: null } : { thought: 'Looks great.', action: 'finish', verdict: { score: 100, findings: [{ check: 'style', severity: 'minor', message: 'The intro could be shorter.', fix: 'Shorten it.' }] } },
    );
    const result = await reviewProposal(model, cheap, agency);
    assert.equal(model.requests.length, 2);
    assert.equal(result.object.passed, false);
    assert.ok(result.object.score < threshold);
    assert.ok(result.object.findings.some((finding) => finding.check === 'priceCheck' && finding.severity === 'blocking'));
    assert.ok(result.object.findings.some((finding) => finding.check === 'style'));
    assert.equal(result.object.steps.at(-1)!.action, 'finish');
  });

  it('refuses a finish step without a verdict', () => {
    assert.equal(reviewStepSchema.safeParse({ thought: 't', action: 'finish', verdict: null }).success, false);
    assert.equal(reviewStepSchema.safeParse({ thought: 't', action: 'languageCheck', verdict: null }).success, true);
  });
});
