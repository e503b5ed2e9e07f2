import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMoney } from '../../../src/agents/agent-support.js';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import {
  copiedPassage,
  displayField,
  mentionsAmount,
  planWeeks,
  writeProposal,
  writeProposalOffline,
  writtenProposalSchema,
  writeProposalInputSchema,
} from '../../../src/agents/write-proposal.agent.js';
import { detectLanguage } from '../../../src/lib/detect-language.js';
import { ScriptedLanguageModel } from '../../fakes/scripted-language-model.js';
import { LEADS, writerInputFor, type LeadLanguage } from './proposal-writing.fixture.js';

const agency = loadAgencyConfig();
const LANGUAGES = Object.keys(LEADS) as LeadLanguage[];

describe(writeProposalOffline.name, () => {
  for (const language of LANGUAGES) {
    it(`writes a complete ${language} proposal: every requirement by title, the total, nothing of the lead's message`, () => {
      const input = writerInputFor(language, agency);
      const lower = language.toLowerCase() as 'de' | 'en' | 'fr' | 'es';
      const { title, body } = writeProposalOffline(input, agency);
      assert.ok(input.requirements.length >= 3, 'the fixture names several requirements');
      for (const requirement of input.requirements) assert.ok(body.includes(requirement.title), `${language}: "${requirement.title}" is missing`);
      assert.ok(body.includes(formatMoney(agency, input.price.total, lower)), `${language}: the total is missing`);
      for (const line of input.price.lineItems) assert.ok(body.includes(`| ${line.title} |`), `${language}: line item ${line.title}`);
      // Requirements may name the lead's needs in its own short phrases (seven words at most), never a passage.
      assert.equal(copiedPassage(body, input.message), null);
      assert.doesNotMatch(body, /90\s*%/);
      assert.doesNotMatch(body, /ignor/i);
      assert.equal(detectLanguage(body), lower);
      assert.ok(body.includes(LEADS[language].name), 'greets the lead by name');
      assert.ok(body.trimEnd().endsWith(agency.signature[lower]), 'ends with the signature');
      const weeks = planWeeks(input.workPackages);
      const timeline = { DE: `etwa ${weeks} Wochen`, EN: `about ${weeks} weeks`, FR: `environ ${weeks} semaines`, ES: `unas ${weeks} semanas` }[language];
      assert.ok(body.includes(timeline), `${language}: the timeline in weeks`);
      assert.ok(title.includes(input.design.chosen.name));
      for (const question of input.openQuestions) assert.ok(body.includes(question));
      assert.equal(writtenProposalSchema(writeProposalInputSchema.parse(input), agency).safeParse({ outline: 'x', title, body }).success, true);
    });
  }

  it('explains the pricing model and shows a discount row only when there is a discount', () => {
    const input = writerInputFor('EN', agency);
    const plain = writeProposalOffline(input, agency).body;
    assert.match(plain, input.price.pricingModel === 'fixed_price' ? /fixed price/ : /time and materials/);
    assert.doesNotMatch(plain, /Discount \(/);
    const subtotal = input.price.subtotal;
    const total = Math.round(subtotal * 0.95);
    const discounted = writeProposalOffline({ ...input, price: { ...input.price, discountPercent: 5, total } }, agency).body;
    assert.match(discounted, /\| Discount \(5%\) \| \| \| −/);
    assert.ok(discounted.includes(formatMoney(agency, total)));
  });

  it('states an agreed delivery target and the validity date in the lead\'s language', () => {
    const input = writerInputFor('DE', agency);
    const body = writeProposalOffline({ ...input, timeline: { weeks: 8, month: null }, validUntil: '2027-01-15' }, agency).body;
    assert.match(body, /in 8 Wochen/);
    assert.match(body, /gilt bis zum 15\. Januar 2027/);
    const byMonth = writeProposalOffline({ ...writerInputFor('FR', agency), timeline: { weeks: null, month: 3 } }, agency).body;
    assert.match(byMonth, /d’ici fin mars/);
  });

  it('cleans the display fields of Markdown and line breaks before greeting with them', () => {
    assert.equal(displayField('**Jo**\n# <b>Admin</b>'), 'Jo bAdmin/b');
    assert.equal(displayField('   '), null);
    const body = writeProposalOffline({ ...writerInputFor('EN', agency), lead: { name: '[Sam](http://evil.example)\n## Ignore', company: null } }, agency).body;
    assert.doesNotMatch(body, /\]\(|\n## Ignore|evil\.example/);
  });
});

describe(writtenProposalSchema.name, () => {
  const input = writeProposalInputSchema.parse(writerInputFor('EN', agency));
  const good = writeProposalOffline(input, agency);

  it('refuses a body without the total', () => {
    const body = good.body.replaceAll(formatMoney(agency, input.price.total), 'a fair price');
    const result = writtenProposalSchema(input, agency).safeParse({ ...good, body });
    assert.equal(result.success, false);
    assert.match(JSON.stringify(result.error?.issues), /must state the total/);
  });

  it("refuses a body that quotes the lead's message", () => {
    const result = writtenProposalSchema(input, agency).safeParse({ ...good, body: `${good.body}\n\n> ${input.message}` });
    assert.equal(result.success, false);
    assert.match(JSON.stringify(result.error?.issues), /must not quote the lead's message/);
  });

  it('reads the total however it is grouped', () => {
    assert.equal(mentionsAmount('Total: 48.360 EUR', 48360), true);
    assert.equal(mentionsAmount('Total: €48,360', 48360), true);
    assert.equal(mentionsAmount('Total : 48\u202f360 €', 48360), true);
    assert.equal(mentionsAmount('Total: 148.360 €', 48360), false);
    assert.equal(mentionsAmount('Total: 48.3600 €', 48360), false);
  });
});

describe(writeProposal.name, () => {
  it('runs as the proposal-writer agent, its offline template answering', async () => {
    const model = new ScriptedLanguageModel('offline');
    const input = writerInputFor('ES', agency);
    const result = await writeProposal(model, input, agency);
    assert.equal(result.object.body, writeProposalOffline(input, agency).body);
    assert.equal(model.calls, 1);
  });
});
