import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findKeywords, matchCatalogue, normalizeText } from '../../../src/agents/keyword-matcher.js';

describe(normalizeText.name, () => {
  it('ignores case and accents, reads ß as ss and hyphens as spaces', () => {
    assert.equal(normalizeText('Größe  der Web-App: ÉTÉ, Ñandú'), 'grosse der web app: ete, nandu');
  });
});

describe(findKeywords.name, () => {
  const find = (text: string, keywords: string[]) => findKeywords(normalizeText(text), keywords);

  it('matches short keywords as whole words only, plurals allowed', () => {
    assert.deepEqual(find('Two apps and an API', ['app', 'api']), ['app', 'api']);
    assert.deepEqual(find('A happy appendix', ['app']), []);
    assert.deepEqual(find("J'ai besoin d'un site", ['ai']), []);
    assert.deepEqual(find("Intégrer l'IA dans le CRM", ["l'ia", 'crm']), ["l'ia", 'crm']);
  });

  it('matches long keywords at the start or the end of a word, as in German compounds', () => {
    assert.deepEqual(find('Integrationen und ein Kundenportal', ['integration', 'portal']), ['integration', 'portal']);
    assert.deepEqual(find('Lagerverwaltungssoftware', ['software']), ['software']);
    assert.deepEqual(find('Automatización de facturas', ['automatizacion']), ['automatizacion']);
  });
});

describe(matchCatalogue.name, () => {
  it('lets the longer keyword win where two overlap', () => {
    const entries = [
      { id: 'web', keywords: ['web app'] },
      { id: 'mobile', keywords: ['app'] },
    ];
    const matched = (text: string) => matchCatalogue(normalizeText(text), entries, (entry) => entry.keywords).map((match) => match.entry.id);

    assert.deepEqual(matched('Eine Web-App für Mitglieder'), ['web']);
    assert.deepEqual(matched('Eine Web-App und eine App für das Handy'), ['web', 'mobile']);
  });
});
