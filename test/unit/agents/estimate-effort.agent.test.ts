import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAgencyConfig, parseAgencyConfig } from '../../../src/agents/agency-config.js';
import { estimateEffortOffline, estimateSchema } from '../../../src/agents/estimate-effort.agent.js';

const agency = loadAgencyConfig();
const componentIds = ['discovery-workshop', 'web-frontend', 'backend-api', 'erp-crm-integration'];

describe(estimateEffortOffline.name, () => {
  it('estimates each component inside its catalogue range, plus management and QA shares', () => {
    const result = estimateEffortOffline({ language: 'EN', componentIds }, agency);
    estimateSchema(agency).parse(result);
    for (const id of componentIds) {
      const component = agency.components.find((entry) => entry.id === id)!;
      const item = result.workPackages.find((entry) => entry.componentId === id)!;
      assert.equal(item.low, component.effortDays.min);
      assert.equal(item.high, component.effortDays.max);
      assert.ok(item.low <= item.expected && item.expected <= item.high);
      assert.equal(item.title, component.name.en);
    }
    const componentDays = result.workPackages.filter((item) => item.componentId !== null).reduce((sum, item) => sum + item.expected, 0);
    const management = result.workPackages.find((item) => item.roleId === agency.delivery?.projectManagement?.role && item.componentId === null)!;
    assert.ok(Math.abs(management.expected - componentDays * agency.delivery!.projectManagement!.share) <= 0.25);
    assert.ok(result.workPackages.some((item) => item.componentId === null && item.roleId === agency.delivery?.qualityAssurance?.role));
    assert.equal(result.totalDays.expected, result.workPackages.reduce((sum, item) => sum + item.expected, 0));
  });

  it('titles the packages in German, French and Spanish', () => {
    for (const language of ['de', 'fr', 'es'] as const) {
      const result = estimateEffortOffline({ language: language.toUpperCase(), componentIds }, agency);
      assert.deepEqual(
        result.workPackages.map((item) => item.title),
        [
          ...agency.components.filter((component) => componentIds.includes(component.id)).map((component) => component.name[language]),
          ...[agency.delivery!.projectManagement!.role, agency.delivery!.qualityAssurance!.role].map((id) => agency.rateCard.find((role) => role.id === id)!.name[language]),
        ],
      );
    }
  });

  it('adds no management or QA share without a delivery section', () => {
    const { delivery: _delivery, ...rest } = agency;
    const plain = parseAgencyConfig(rest, 'test');
    const result = estimateEffortOffline({ language: 'EN', componentIds }, plain);
    assert.equal(result.workPackages.length, componentIds.length);
    assert.ok(result.workPackages.every((item) => item.roleId === plain.rateCard[0]!.id));
  });
});
