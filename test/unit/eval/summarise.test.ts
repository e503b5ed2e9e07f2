import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureLines, formatTable } from '../../../eval/report.js';
import { scoreLead, type LeadScore } from '../../../eval/score-lead.js';
import { evaluateGates, percentile, summarise } from '../../../eval/summarise.js';
import { agency, leadCase, notQualifiedCase, notQualifiedResult, qualifiedResult, settled } from './eval-fixtures.js';

const good = (id: string, holdout: boolean, durationMs = 1000) => scoreLead(leadCase({ id }), settled(qualifiedResult(), durationMs), { agency, holdout });
const wrong = (id: string, holdout: boolean) => scoreLead(leadCase({ id }), settled(notQualifiedResult('DISQUALIFIED')), { agency, holdout });
const many = (count: number, make: (id: string) => LeadScore) => Array.from({ length: count }, (_, index) => make(`case-${index}`));

describe('summarise', () => {
  it('reports each metric over the leads it applies to, separately for the whole set, the rest and the hold-out', () => {
    const scores = [good('a', false, 1000), wrong('b', false), scoreLead(notQualifiedCase('spam', { id: 'c' }), settled(notQualifiedResult('SPAM'), 3000), { agency, holdout: true })];
    const summary = summarise(scores);
    assert.deepEqual(summary.all.rates.qualification, { passed: 2, applicable: 3, rate: 2 / 3 });
    assert.deepEqual(summary.nonHoldout.rates.qualification, { passed: 1, applicable: 2, rate: 0.5 });
    assert.deepEqual(summary.holdout.rates.qualification, { passed: 1, applicable: 1, rate: 1 });
    // Only the one proposal written is priced and covered; the spam lead has nothing to check.
    assert.deepEqual(summary.all.rates.price, { passed: 1, applicable: 1, rate: 1 });
    assert.deepEqual(summary.all.requirements, { passed: 2, applicable: 2, rate: 1 });
    assert.deepEqual(summary.holdout.rates.language, { passed: 0, applicable: 0, rate: null });
    assert.deepEqual(summary.all.reviewScore, { mean: 82, count: 1 });
    assert.deepEqual(summary.all.settledMs, { median: 1500, p95: 3000, count: 3 });
  });

  it('takes the nearest-rank percentile', () => {
    const values = Array.from({ length: 20 }, (_, index) => index + 1);
    assert.equal(percentile(values, 0.95), 19);
    assert.equal(percentile([], 0.95), null);
  });
});

describe('evaluateGates', () => {
  it('passes a set that meets every gate', () => {
    const gates = evaluateGates(summarise([...many(10, (id) => good(id, false)), ...many(5, (id) => good(`h-${id}`, true))]));
    assert.equal(gates.passed, true);
    assert.equal(gates.checks.length, 15);
  });

  it('passes qualification at exactly 90 % and fails it below, on the whole set', () => {
    const atNinety = [...many(9, (id) => good(id, false)), wrong('w', false)];
    assert.equal(evaluateGates(summarise(atNinety)).passed, true);
    const below = [...many(8, (id) => good(id, false)), wrong('w1', false), wrong('w2', false)];
    const failed = evaluateGates(summarise(below)).checks.filter((check) => !check.passed);
    assert.deepEqual(
      failed.map((check) => [check.metric, check.scope, check.reason]),
      [['qualification', 'all', 'whole set: 80.0 % < 90.0 %']],
    );
  });

  it('fails the hold-out on its own, and when it scores more than 10 points below the rest', () => {
    const scores = [...many(10, (id) => good(id, false)), ...many(4, (id) => good(`h-${id}`, true)), wrong('h-wrong', true)];
    const gates = evaluateGates(summarise(scores));
    assert.equal(gates.passed, false);
    const failed = gates.checks.filter((check) => !check.passed).map((check) => [check.metric, check.scope, check.reason]);
    assert.deepEqual(failed, [
      ['qualification', 'holdout', 'hold-out: 80.0 % < 90.0 %'],
      ['qualification', 'gap', 'hold-out 80.0 % is 20.0 points below the rest 100.0 % (at most 10 allowed)'],
    ]);
  });

  it('allows a hold-out exactly 10 points below the rest', () => {
    const scores = [...many(10, (id) => good(id, false)), ...many(9, (id) => good(`h-${id}`, true)), wrong('h-wrong', true)];
    const gap = evaluateGates(summarise(scores)).checks.find((check) => check.metric === 'qualification' && check.scope === 'gap')!;
    assert.equal(gap.passed, true);
    assert.ok(Math.abs(gap.value! - 0.1) < 1e-9);
  });

  it('does not fail a gate on which nothing was measured (e.g. --only without hold-out leads)', () => {
    const gates = evaluateGates(summarise(many(3, (id) => good(id, false))));
    assert.equal(gates.passed, true);
    assert.equal(gates.checks.find((check) => check.scope === 'holdout')!.reason, 'hold-out: nothing measured');
  });
});

describe('report', () => {
  it('prints one row per metric with the three parts and the gate', () => {
    const scores = [good('a', false), wrong('b', false), good('h', true)];
    const summary = summarise(scores);
    const table = formatTable(summary, evaluateGates(summary));
    const row = table.split('\n').find((line) => line.startsWith('qualification agreement'))!;
    assert.match(row, /^qualification agreement\s+66\.7 % \(2\/3\)\s+50\.0 % \(1\/2\)\s+100\.0 % \(1\/1\)\s+≥ 90 % FAIL$/);
  });

  it('lists each failure on one line as "<case id> <metric>: <reason>"', () => {
    assert.deepEqual(failureLines([good('a', false), wrong('b', false)]), ['b qualification: expected qualified, got DISQUALIFIED']);
  });
});
