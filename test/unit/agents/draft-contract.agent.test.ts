import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { contractSchema, draftContractOffline, statedAmounts, type DraftContractInput } from '../../../src/agents/draft-contract.agent.js';

const agency = loadAgencyConfig();
const base: DraftContractInput = {
  language: 'DE',
  client: { name: 'Anna Müller', company: 'Acme GmbH', email: 'anna@acme.example' },
  proposal: {
    title: 'Kundenportal mit SAP-Anbindung',
    body: '# Angebot\n\nEin Kundenportal …',
    lineItems: [
      { description: 'Entwicklung', days: 40, rate: 760, amount: 30400 },
      { description: 'Softwarearchitektur', days: 5.5, rate: 1040, amount: 5720 },
    ],
    total: 36120,
    currency: 'EUR',
    pricingModel: 'fixed_price',
    validUntil: '2026-12-01T00:00:00Z',
  },
  acceptedAt: '2026-11-20T09:00:00Z',
};
const draft = (input: DraftContractInput) => contractSchema(input).parse(draftContractOffline(input, agency));
const withModel = (pricingModel: 'fixed_price' | 'time_and_materials', language = 'DE') => draft({ ...base, language, proposal: { ...base.proposal, pricingModel } });

describe(draftContractOffline.name, () => {
  it('drafts a complete contract in each language, marked as a draft for legal review', () => {
    const expected = {
      DE: { title: /^Vertragsentwurf/, draft: /ENTWURF zur rechtlichen Prüfung/, total: '36.120\u00a0€', sections: ['Vertragsparteien', 'Vertragsgegenstand', 'Leistungsumfang', 'Vergütung', 'Zahlungsbedingungen', 'Zeitplan', 'Abnahme', 'Änderungen', 'Nutzungsrechte', 'Vertraulichkeit', 'Gewährleistung und Haftung', 'Laufzeit und Kündigung', 'Unterschriften'] },
      EN: { title: /^Draft:/, draft: /DRAFT for legal review/, total: '€36,120', sections: ['Parties', 'Subject matter', 'Scope', 'Remuneration', 'Payment terms', 'Timeline', 'Acceptance', 'Change requests', 'Intellectual property', 'Confidentiality', 'Warranty and liability', 'Term and termination', 'Signatures'] },
      FR: { title: /^Projet de contrat/, draft: /PROJET soumis à validation juridique/, total: '36\u202f120\u00a0€', sections: ['Parties', 'Objet', 'Périmètre', 'Rémunération', 'Conditions de paiement', 'Calendrier', 'Recette', 'Demandes de modification', 'Propriété intellectuelle', 'Confidentialité', 'Garantie et responsabilité', 'Durée et résiliation', 'Signatures'] },
      ES: { title: /^Borrador:/, draft: /BORRADOR para revisión jurídica/, total: '36.120\u00a0€', sections: ['Partes', 'Objeto', 'Alcance', 'Remuneración', 'Condiciones de pago', 'Calendario', 'Aceptación', 'Solicitudes de cambio', 'Propiedad intelectual', 'Confidencialidad', 'Garantía y responsabilidad', 'Duración y resolución', 'Firmas'] },
    } as const;
    for (const [language, want] of Object.entries(expected)) {
      const result = withModel('fixed_price', language);
      assert.match(result.title, want.title, language);
      assert.match(result.body.split('\n')[0]!, want.draft, language);
      assert.ok(result.body.includes(want.total), `${language}: states the total as ${want.total}`);
      const headings = result.body.split('\n').filter((line) => line.startsWith('## '));
      assert.equal(headings.length, want.sections.length + 1, `${language}: ${headings.join(' / ')}`);
      for (const section of want.sections) assert.ok(headings.some((heading) => heading.includes(section)), `${language}: ${section}`);
      assert.ok(result.body.includes('Acme GmbH') && result.body.includes(agency.name), language);
      for (const line of ['Entwicklung', 'Softwarearchitektur']) assert.ok(result.body.includes(`| ${line} |`), `${language}: line item ${line}`);
    }
  });

  it('sets milestone payments 30/40/30 for a fixed price and monthly invoicing for time and materials', () => {
    const fixed = withModel('fixed_price');
    assert.match(fixed.body, /Festpreis von \*\*36\.120\s€\*\*/);
    assert.match(fixed.body, /30 % \(10\.836\s€\) bei Unterzeichnung/);
    assert.match(fixed.body, /40 % \(14\.448\s€\) bei Bereitstellung/);
    assert.match(fixed.body, /30 % \(10\.836\s€\) nach erfolgter Abnahme/);
    assert.doesNotMatch(fixed.body, /monatlich nachträglich/);

    const hourly = withModel('time_and_materials');
    assert.match(hourly.body, /nach Aufwand zu den in § 2 genannten Tagessätzen/);
    assert.match(hourly.body, /monatlich nachträglich ab/);
    assert.match(hourly.body, /\| Softwarearchitektur \| 5,5 \| 1\.040\s€ \| 5\.720\s€ \|/);
    assert.doesNotMatch(hourly.body, /30 %|Festpreis von/);

    assert.match(withModel('fixed_price', 'EN').body, /1\. 30 % \(€10,836\) on signature/);
    assert.match(withModel('time_and_materials', 'EN').body, /invoices the effort actually spent monthly in arrears/);
    assert.match(withModel('time_and_materials', 'FR').body, /facture mensuellement, à terme échu/);
    assert.match(withModel('time_and_materials', 'ES').body, /factura mensualmente, a mes vencido/);
  });

  it('puts the client in as one line of plain text, whatever the fields hold', () => {
    const result = draft({ ...base, client: { name: 'Eve\n## § 99 Rabatt 90 %', company: '**Evil** <b>Corp</b>', email: null } });
    assert.doesNotMatch(result.body, /^## § 99/m);
    assert.doesNotMatch(result.body, /<b>|\*\*Evil/);
    assert.match(result.body, /\*\*Auftraggeber:\*\* Evil Corp, vertreten durch Eve § 99 Rabatt 90 %/);
  });

  it('names a placeholder when the client gave neither name nor company', () => {
    assert.match(draft({ ...base, client: { name: null, company: null, email: null } }).body, /\*\*Auftraggeber:\*\* \[Name des Auftraggebers\]/);
  });

  it('notes for the lawyer when the proposal was accepted after its validity', () => {
    assert.match(draftContractOffline({ ...base, acceptedAt: '2026-12-05T09:00:00Z' }, agency).reasoning, /after the proposal's validity ended/);
  });

  it('refuses a model answer without the total or the draft marking', () => {
    const good = withModel('fixed_price', 'EN');
    const schema = contractSchema({ ...base, language: 'EN' });
    assert.equal(schema.safeParse(good).success, true);
    const noTotal = schema.safeParse({ ...good, body: good.body.replaceAll('36,120', '30,000') });
    assert.match(JSON.stringify(noTotal.error?.issues), /must state the total of 36120 EUR/);
    const final = schema.safeParse({ ...good, title: 'Software development agreement', body: good.body.replace('DRAFT for legal review', 'Final') });
    assert.match(JSON.stringify(final.error?.issues), /draft/);
  });
});

describe(statedAmounts.name, () => {
  it('reads amounts however they are formatted', () => {
    for (const text of ['36.120 €', '€36,120', '36\u202f120\u00a0€', '36120', 'EUR 36,120.00', '36.120,00 €']) assert.ok(statedAmounts(text).has(36120), text);
    assert.equal(statedAmounts('36.12 €').has(36120), false);
  });
});

describe('draftContractInputSchema', () => {
  it('takes the dates as Date objects, as the entities hold them, alike', () => {
    const fromDates = draftContractOffline({ ...base, acceptedAt: new Date('2026-11-20T09:00:00Z'), proposal: { ...base.proposal, validUntil: new Date('2026-12-01T00:00:00Z') } }, agency);
    assert.deepEqual(fromDates, draftContractOffline(base, agency));
  });
});
