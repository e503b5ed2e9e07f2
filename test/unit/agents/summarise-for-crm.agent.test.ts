import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { CRM_NOTE_MAX_LENGTH, crmSummarySchema, nextStepFor, quotedRun, summariseForCrmOffline, type SummariseForCrmInput } from '../../../src/agents/summarise-for-crm.agent.js';

const agency = loadAgencyConfig();
const message = 'Hello, we are a dealer network and need a customer portal with SAP integration so that our dealers can order spare parts online. Budget around 40k.';
const base: SummariseForCrmInput = {
  lead: { name: 'Anna Müller', company: 'Acme GmbH', status: 'SENT', fitScore: 78, priority: 'HIGH', source: 'FORM', message },
  qualificationReasons: ['Custom portal with ERP integration: a core service', 'Budget fits the typical project size'],
  proposal: { title: 'Dealer portal with SAP integration', total: 48000, currency: 'EUR', status: 'sent', revision: 2 },
  activities: [
    { type: 'qualified', createdAt: '2026-11-19T10:00:00Z', actor: 'agent:qualification' },
    { type: 'proposal_sent', createdAt: '2026-11-20T10:00:00Z', actor: 'slack:U123' },
  ],
  proposalLink: 'https://leadpilot.example/proposals/7f3c',
};
const summarise = (input: SummariseForCrmInput) => crmSummarySchema(input).parse(summariseForCrmOffline(input, agency));

describe(summariseForCrmOffline.name, () => {
  it('says who, what they need, the fit, where it stands, the next step and the link', () => {
    const result = summarise(base);
    assert.match(result.note, /^Anna Müller \(Acme GmbH\), via form, status sent\./);
    assert.match(result.note, /Needs: Dealer portal with SAP integration\./);
    assert.match(result.note, /Fit: 78\/100, high priority: Custom portal with ERP integration/);
    assert.match(result.note, /Proposal rev\. 2, €48,000, sent\. Last activity: proposal sent on 2026-11-20 by slack:U123\./);
    assert.match(result.note, /Next step: Follow up on the proposal with the lead\. Proposal: https:\/\/leadpilot\.example\/proposals\/7f3c$/);
    assert.equal(result.nextStep, 'Follow up on the proposal with the lead.');
    assert.doesNotMatch(result.note, /[*#<>]/);
  });

  it('never repeats the lead\'s message beyond a few words', () => {
    const result = summarise(base);
    assert.equal(quotedRun(result.note, message), null);
    assert.doesNotMatch(result.note, /spare parts|dealers can order/);
    const echoing = summarise({ ...base, qualificationReasons: ['Quote: we are a dealer network and need a customer portal', 'Budget fits'] });
    assert.doesNotMatch(echoing.note, /dealer network/);
    const copied = crmSummarySchema(base).safeParse({ ...result, note: `${result.note.slice(0, 200)} They say: we are a dealer network and need a portal.` });
    assert.match(JSON.stringify(copied.error?.issues), /in your own words/);
  });

  it('keeps the note within the limit and the link whole, however long the facts are', () => {
    const long = 'x'.repeat(300);
    const result = summarise({
      ...base,
      lead: { ...base.lead, name: `Anna ${long}`, company: `Acme ${long}` },
      qualificationReasons: [long, long, long],
      proposal: { ...base.proposal!, title: `Portal ${long}` },
      activities: [{ type: long, createdAt: '2026-11-20T10:00:00Z', actor: long }],
    });
    assert.ok(result.note.length <= CRM_NOTE_MAX_LENGTH, String(result.note.length));
    assert.ok(result.note.endsWith(`Proposal: ${base.proposalLink}`));
    const tooLong = crmSummarySchema(base).safeParse({ ...result, note: 'y'.repeat(CRM_NOTE_MAX_LENGTH + 1) });
    assert.equal(tooLong.success, false);
  });

  it('states what is missing instead of inventing it', () => {
    const result = summarise({ ...base, lead: { ...base.lead, fitScore: null, priority: null, status: 'qualifying' }, proposal: null, activities: [], proposalLink: null, qualificationReasons: [] });
    assert.match(result.note, /Need: not yet scoped in a proposal\. Fit: not scored\. No proposal yet\. Next step: Prepare the proposal\.$/);
  });
});

describe('summariseForCrmInputSchema', () => {
  it('takes only an http(s) proposal link', () => {
    assert.throws(() => summariseForCrmOffline({ ...base, proposalLink: 'javascript:alert(1)' }, agency), /proposalLink/);
  });
});

describe(nextStepFor.name, () => {
  it('follows where the lead and its proposal stand', () => {
    const step = (status: string, proposal: string | null) =>
      nextStepFor({ lead: { ...base.lead, status, message: null, name: null, company: null, fitScore: null, priority: null, source: null }, proposal: proposal ? { ...base.proposal!, status: proposal } : null });
    assert.match(step('qualifying', null), /Prepare the proposal/);
    assert.match(step('awaiting_approval', 'pending_approval'), /approve proposal revision 2/);
    assert.match(step('in_progress', 'approved'), /Send the approved proposal/);
    assert.match(step('won', 'accepted'), /contract draft/);
    assert.match(step('lost', 'declined'), /close the deal as lost/);
    assert.match(step('sent', 'expired'), /still planned/);
    assert.match(step('disqualified', null), /^None/);
    assert.match(step('in_progress', 'rejected'), /Revise the proposal/);
  });
});
