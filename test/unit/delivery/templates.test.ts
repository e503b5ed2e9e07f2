import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENCY_LANGUAGES, loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { writeFollowUpOffline } from '../../../src/agents/write-follow-up.agent.js';
import { renderApproverNotice } from '../../../src/delivery/templates/approver-notice.template.js';
import { renderFollowUpEmail } from '../../../src/delivery/templates/follow-up.template.js';
import { escapeHtml } from '../../../src/delivery/templates/layout.js';
import { renderProposalEmail } from '../../../src/delivery/templates/proposal.template.js';
import { detectLanguage } from '../../../src/lib/detect-language.js';

const agency = loadAgencyConfig();
const UNSUBSCRIBE = 'https://leads.example/unsubscribe/abc123';

describe('e-mail templates', () => {
  for (const language of AGENCY_LANGUAGES) {
    it(`renders the proposal e-mail in ${language} with the agency's details and the unsubscribe link`, () => {
      const mail = renderProposalEmail({ leadName: 'Dr. Anna Schmidt', title: 'Plattform', total: 20480, currency: 'EUR', validUntil: '2027-01-31' }, language, agency, UNSUBSCRIBE);
      assert.equal(detectLanguage(mail.text), language);
      assert.match(mail.text, /Anna/);
      assert.doesNotMatch(mail.text, /Schmidt/, 'first name only');
      assert.ok(mail.text.includes(agency.signature[language]));
      assert.ok(mail.text.includes(agency.contact.address!));
      assert.ok(mail.text.includes(UNSUBSCRIBE));
      assert.ok(mail.html.includes(`href="${UNSUBSCRIBE}"`));
      assert.match(mail.html, new RegExp(`<html lang="${language}">`));
    });

    it(`wraps a follow-up in ${language}`, () => {
      const followUp = writeFollowUpOffline(
        { language, leadName: 'Anna', company: null, proposal: { title: 'Plattform', total: 1000, currency: 'EUR', sentAt: '2026-11-01T00:00:00Z', validUntil: null }, followUpNumber: 1, daysSinceSent: 3, earlierSubjects: [] },
        agency,
      );
      const mail = renderFollowUpEmail(followUp, language, agency, UNSUBSCRIBE);
      assert.equal(mail.subject, followUp.subject);
      assert.ok(mail.text.startsWith(followUp.body.trim()));
      assert.ok(mail.text.includes(UNSUBSCRIBE));
    });
  }

  it('escapes everything a lead or a model wrote before it goes into HTML', () => {
    assert.equal(escapeHtml(`<img src=x onerror="alert('1')">&`), '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
    const mail = renderProposalEmail({ leadName: '<b>Eve</b>', title: '<script>x</script>', total: 1, currency: 'EUR', validUntil: null }, 'en', agency, null);
    assert.doesNotMatch(mail.html, /<script>|<b>/);
    assert.doesNotMatch(mail.text, /unsubscribe/i, 'no link when none is given');
  });

  it('sends one proposal as a notice and several as a digest, with dashboard links', () => {
    const one = renderApproverNotice([{ id: 'p1', title: 'A', company: 'ACME', total: 1000, currency: 'EUR', revision: 2 }], 'https://leads.example', agency);
    assert.equal(one.subject, 'Approval needed: A');
    assert.match(one.text, /https:\/\/leads\.example\/dashboard\/proposals\/p1/);
    const digest = renderApproverNotice(
      [
        { id: 'p1', title: 'A', company: null, total: 1000, currency: 'EUR', revision: 1 },
        { id: 'p2', title: 'B', company: null, total: 2000, currency: 'EUR', revision: 1 },
      ],
      'https://leads.example',
      agency,
    );
    assert.equal(digest.subject, 'Approval needed: 2 proposals');
    assert.match(digest.text, /proposals\/p2/);
  });
});
