import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { analyseKpisOffline, kpiAnalysisSchema, kpiChange, KPI_NAMES, type AnalyseKpisInput, type KpiName } from '../../../src/agents/analyse-kpis.agent.js';

const agency = loadAgencyConfig();
const onTarget = {
  leadResponseMedianSeconds: 45,
  leadResponseP95Seconds: 110,
  shareRespondedWithin2Min: 0.97,
  proposalGenerationMedianSeconds: 1800,
  shareProposalWithin1h: 0.9,
  leadToProposalConversion: 0.7,
  proposalToContractConversion: 0.3,
  averageDealSize: 32000,
  apiErrorRate: 0.002,
  llmCost: 20,
  leadCount: 50,
};
const analyse = (input: AnalyseKpisInput) => kpiAnalysisSchema(input).parse(analyseKpisOffline(input, agency));
const finding = (result: ReturnType<typeof analyse>, kpi: KpiName) => result.findings.find((entry) => entry.kpi === kpi)!;

describe(analyseKpisOffline.name, () => {
  it('reports every KPI once and everything on target when it is', () => {
    const result = analyse({ period: { from: '2026-11-01', to: '2026-11-30' }, current: onTarget, previous: onTarget });
    assert.deepEqual(result.findings.map((entry) => entry.kpi), [...KPI_NAMES]);
    assert.ok(result.findings.every((entry) => entry.status === 'on_target' && entry.change === 'flat'));
    assert.match(result.headline, /^5 of 5 targets met from 2026-11-01 to 2026-11-30\.$/);
    assert.deepEqual(result.recommendations, ['All targets met and nothing worse than the previous period: keep the current setup and watch the trends.']);
  });

  it('flags what misses its target, with the value and the target, and recommends what to check', () => {
    const result = analyse({ current: { ...onTarget, leadResponseMedianSeconds: 190, proposalToContractConversion: 0.18, apiErrorRate: 0.03 }, previous: null });
    assert.equal(finding(result, 'leadResponseMedianSeconds').status, 'off_target');
    assert.equal(finding(result, 'leadResponseMedianSeconds').message, 'Median lead response time: 3.2 min (target < 2 min; no previous value), off target.');
    assert.equal(finding(result, 'proposalToContractConversion').status, 'off_target');
    assert.match(finding(result, 'proposalToContractConversion').message, /18 % \(target > 25 %/);
    assert.equal(finding(result, 'apiErrorRate').status, 'off_target');
    assert.equal(finding(result, 'leadToProposalConversion').status, 'on_target');
    assert.match(result.headline, /^2 of 5 targets met; median lead response time needs attention\.$/);
    assert.equal(result.recommendations.length, 3);
    assert.match(result.recommendations.join('\n'), /first response[\s\S]*declined and expired proposals[\s\S]*API errors/);
  });

  it('holds the targets strictly as the plan words them', () => {
    const result = analyse({ current: { ...onTarget, leadResponseMedianSeconds: 120, leadToProposalConversion: 0.6 } });
    assert.equal(finding(result, 'leadResponseMedianSeconds').status, 'off_target');
    assert.equal(finding(result, 'leadToProposalConversion').status, 'off_target');
    const custom = analyse({ current: { ...onTarget, leadResponseMedianSeconds: 120 }, targets: { leadResponseSeconds: 300 } });
    assert.equal(finding(custom, 'leadResponseMedianSeconds').status, 'on_target');
  });

  it('states missing data as such and never invents a value', () => {
    const result = analyse({ current: { leadCount: 12 }, previous: onTarget });
    for (const kpi of KPI_NAMES.filter((name) => name !== 'leadCount')) {
      assert.equal(finding(result, kpi).status, 'no_data', kpi);
      assert.equal(finding(result, kpi).change, 'n/a', kpi);
      assert.match(finding(result, kpi).message, /^[^:]+: no data for this period\.$/, 'the label and nothing else');
    }
    assert.match(result.headline, /^No data for any target; nothing can be judged yet\.$/);
    assert.match(result.recommendations.at(-1)!, /^Make sure these are measured/);
  });

  it('gives the trend against the previous period and judges KPIs without a target by it', () => {
    const result = analyse({
      current: { ...onTarget, leadResponseMedianSeconds: 40, leadResponseP95Seconds: 400, averageDealSize: 32500, leadCount: 30, llmCost: 24 },
      previous: { ...onTarget, leadResponseMedianSeconds: 60, leadResponseP95Seconds: 300, averageDealSize: 32000, leadCount: 50, llmCost: 20 },
    });
    assert.equal(finding(result, 'leadResponseMedianSeconds').change, 'down');
    assert.equal(finding(result, 'leadResponseMedianSeconds').status, 'on_target');
    assert.equal(finding(result, 'leadResponseP95Seconds').change, 'up');
    assert.equal(finding(result, 'leadResponseP95Seconds').status, 'off_target');
    assert.equal(finding(result, 'averageDealSize').change, 'flat');
    assert.equal(finding(result, 'leadCount').status, 'off_target');
    assert.match(finding(result, 'leadCount').message, /Leads: 30 \(no target, compared with the previous period; down from 50\), worse than before\./);
    // 24 USD for 30 leads is 0.80 per lead, against 0.40 before: worse, though fewer leads.
    assert.equal(finding(result, 'llmCost').status, 'off_target');
    assert.match(result.recommendations.join('\n'), /Lead volume fell/);
  });

  it('refuses a model answer that invents data, contradicts the target or the trend, or leaves a KPI out', () => {
    const input: AnalyseKpisInput = { current: { ...onTarget, proposalToContractConversion: null, leadResponseMedianSeconds: 200 }, previous: onTarget };
    const good = analyseKpisOffline(input, agency);
    const schema = kpiAnalysisSchema(input);
    assert.equal(schema.safeParse(good).success, true);
    const edit = (kpi: KpiName, change: object) => ({ ...good, findings: good.findings.map((entry) => (entry.kpi === kpi ? { ...entry, ...change } : entry)) });
    assert.match(JSON.stringify(schema.safeParse(edit('proposalToContractConversion', { status: 'on_target' })).error?.issues), /must be no_data/);
    assert.match(JSON.stringify(schema.safeParse(edit('leadResponseMedianSeconds', { status: 'on_target' })).error?.issues), /must be off_target against the target/);
    assert.match(JSON.stringify(schema.safeParse(edit('leadResponseMedianSeconds', { change: 'down' })).error?.issues), /must be up against the previous period/);
    assert.match(JSON.stringify(schema.safeParse({ ...good, findings: good.findings.slice(1) }).error?.issues), /must include leadResponseMedianSeconds/);
  });
});

describe(kpiChange.name, () => {
  it('is flat within 2 % and n/a without both values', () => {
    assert.equal(kpiChange(101, 100), 'flat');
    assert.equal(kpiChange(103, 100), 'up');
    assert.equal(kpiChange(0, 0), 'flat');
    assert.equal(kpiChange(1, 0), 'up');
    assert.equal(kpiChange(null, 100), 'n/a');
    assert.equal(kpiChange(100, null), 'n/a');
  });
});
