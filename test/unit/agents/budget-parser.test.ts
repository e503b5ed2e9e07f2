import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBudget } from '../../../src/agents/budget-parser.js';

describe(parseBudget.name, () => {
  it('reads the ways budgets are written in German, English, French and Spanish', () => {
    const cases: [string | number, number, number][] = [
      ['15.000 €', 15_000, 15_000],
      ['€20,000', 20_000, 20_000],
      ['20.000,00 €', 20_000, 20_000],
      ['15 000 euros', 15_000, 15_000],
      ['ca. 25k EUR', 25_000, 25_000],
      ['$30k', 30_000, 30_000],
      ['30 mil €', 30_000, 30_000],
      ['10-20k', 10_000, 20_000],
      ['zwischen 10 und 20 Tsd. Euro', 10_000, 20_000],
      ['1-1,5 Mio €', 1_000_000, 1_500_000],
      ['2000', 2_000, 2_000],
      [12_000, 12_000, 12_000],
    ];
    for (const [text, min, max] of cases) {
      const budget = parseBudget(text);
      assert.deepEqual([budget?.min, budget?.max], [min, max], String(text));
    }
  });

  it('finds no budget in a field that says there is none', () => {
    assert.equal(parseBudget('keine Ahnung'), null);
    assert.equal(parseBudget('flexible'), null);
    assert.equal(parseBudget(''), null);
    assert.equal(parseBudget(null), null);
  });

  it('takes from a message only amounts marked as money or next to a budget word', () => {
    assert.equal(parseBudget('Wir haben 500 Mitarbeiter und 3 Standorte.', 'message'), null);
    assert.equal(parseBudget('Launch around 2027, with 40 users.', 'message'), null);
    assert.deepEqual(parseBudget('Wir haben 500 Mitarbeiter und ein Budget von 40.000 Euro.', 'message'), { min: 40_000, max: 40_000, currency: 'EUR' });
    assert.equal(parseBudget('notre budget est de 6 000 €', 'message')?.max, 6_000);
    assert.equal(parseBudget('presupuesto de 12.000 euros', 'message')?.max, 12_000);
    assert.equal(parseBudget('Budget: 3000', 'message')?.max, 3_000);
  });
});
