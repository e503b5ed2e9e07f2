import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildResultsDocument, defaultResultsPath, RESULTS_FORMAT } from '../../../eval/results-file.js';
import { scoreLead } from '../../../eval/score-lead.js';
import { evaluateGates, summarise } from '../../../eval/summarise.js';
import { agency, leadCase, notQualifiedResult, qualifiedResult, settled } from './eval-fixtures.js';

describe('the results file', () => {
  const runs = [settled(qualifiedResult()), settled(notQualifiedResult('DISQUALIFIED'))];
  const scores = [scoreLead(leadCase({ id: 'a' }), runs[0]!, { agency, holdout: false }), scoreLead(leadCase({ id: 'b' }), runs[1]!, { agency, holdout: true })];
  const summary = summarise(scores);
  const document = buildResultsDocument({
    startedAt: '2026-11-25T07:40:00.000Z',
    finishedAt: '2026-11-25T07:41:00.000Z',
    provider: 'offline',
    model: null,
    commit: 'abc123',
    options: { only: [], concurrency: null, timeoutMs: 120_000 },
    promptVersions: [{ agent: 'pricing', file: 'prompts/pricing.txt', sha256: 'f'.repeat(64), id: 'pv-1', version: 'pricing/v2' }],
    gates: evaluateGates(summary),
    summary,
    scores,
    runs,
  });

  it('holds the run, the summary, the gates, the failures and every lead with its score and raw result', () => {
    assert.deepEqual(Object.keys(document), ['format', 'startedAt', 'finishedAt', 'provider', 'model', 'commit', 'options', 'promptVersions', 'gates', 'summary', 'failures', 'leads']);
    assert.equal(document.format, RESULTS_FORMAT);
    assert.deepEqual(Object.keys(document.summary), ['all', 'nonHoldout', 'holdout']);
    assert.deepEqual(document.failures, ['b qualification: expected qualified, got DISQUALIFIED']);
    assert.equal(document.leads.length, 2);
    assert.equal(document.leads[1]!.score.id, 'b');
    assert.equal(document.leads[1]!.score.holdout, true);
    assert.equal(document.leads[0]!.run.outcome, 'settled');
    assert.equal(document.gates.passed, false);
  });

  it('survives JSON unchanged', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(document)), document);
  });

  it('refuses scores and runs that do not pair up', () => {
    assert.throws(() => buildResultsDocument({ ...document, scores, runs: runs.slice(1) }), /2 scores for 1 runs/);
  });

  it('is named by start time and provider, without colons', () => {
    assert.equal(defaultResultsPath(new Date('2026-11-25T07:40:00.000Z'), 'gemini'), 'eval/results/2026-11-25T07-40-00.000Z-gemini.json');
  });
});
