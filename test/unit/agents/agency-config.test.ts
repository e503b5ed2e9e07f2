import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { AgencyConfigError, DEFAULT_AGENCY_CONFIG_PATH, loadAgencyConfig, parseAgencyConfig } from '../../../src/agents/agency-config.js';

const folder = mkdtempSync(join(tmpdir(), 'agency-config-'));
const shipped = () => parseYaml(readFileSync(DEFAULT_AGENCY_CONFIG_PATH, 'utf8')) as Record<string, any>;

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof AgencyConfigError, String(error));
    assert.equal(error.code, 'AGENCY_CONFIG_INVALID');
    return error.problems;
  }
  assert.fail('expected an AgencyConfigError');
}

describe(loadAgencyConfig.name, () => {
  it('loads the shipped default: Berneby Development, in euros, with its facts', () => {
    const agency = loadAgencyConfig();

    assert.equal(agency.name, 'Berneby Development');
    assert.equal(agency.currency, 'EUR');
    assert.equal(agency.minimumProjectSize, 8_000);
    assert.deepEqual(agency.typicalProjectSize, { min: 15_000, max: 50_000 });
    assert.deepEqual(
      agency.services.offered.map((service) => service.id),
      ['web-apps', 'mobile-apps', 'ai-automation', 'integrations', 'ecommerce', 'dashboards-analytics', 'cloud-devops', 'mvp'],
    );
    assert.deepEqual(agency.services.notOffered.map((service) => service.id), ['seo-marketing', 'hardware', 'staffing', 'logo-design']);
    for (const component of agency.components) assert.ok(component.effortDays.min <= component.effortDays.max, component.id);
  });

  it('reports every problem at once, each with the path of its field', () => {
    const data = shipped();
    data['currency'] = 'euro';
    data['rateCard'][2].dayRate = -5;
    data['components'][1].effortDays = { min: 9, max: 3 };
    delete data['signature'].fr;
    data['services'].offered[0].keywords.es = [];
    data['pricing'].minTotal = 300_000;

    const problems = problemsOf(() => parseAgencyConfig(data, 'agency.yaml'));

    assert.deepEqual(
      [...problems].sort(),
      [
        'components[1].effortDays.min: min must not exceed max',
        'currency: expected an ISO 4217 code such as EUR',
        'minimumProjectSize: must lie between pricing.minTotal and pricing.maxTotal',
        'pricing.minTotal: minTotal must not exceed maxTotal',
        'rateCard[2].dayRate: expected a positive amount',
        'services.offered[0].keywords.es: expected at least one keyword',
        'signature.fr: Invalid input: expected string, received undefined',
      ].sort(),
    );
  });

  it('refuses unknown fields and duplicate ids', () => {
    const data = shipped();
    data['rateCard'][1].id = data['rateCard'][0].id;
    data['rateCard'][0].dailyRate = 900;

    const problems = problemsOf(() => parseAgencyConfig(data, 'agency.yaml'));

    assert.ok(problems.some((problem) => problem.startsWith('rateCard[0]: Unrecognized key')), problems.join('\n'));
    assert.ok(problems.includes('rateCard[1].id: duplicate id "project-manager"'), problems.join('\n'));
  });

  it('names the file in the error, and says when it is missing or not YAML', () => {
    const missing = join(folder, 'missing.yaml');
    const broken = join(folder, 'broken.yaml');
    writeFileSync(broken, 'name: [unclosed');

    assert.match(problemsOf(() => loadAgencyConfig(missing))[0]!, /cannot read it \(no such file\)/);
    assert.match(problemsOf(() => loadAgencyConfig(broken))[0]!, /not valid YAML/);
    assert.throws(() => loadAgencyConfig(missing), new RegExp(`The agency configuration ${missing} is invalid`));
  });

  it('takes a component commitment in every language, or none', () => {
    const data = shipped();
    const index = data['components'].findIndex((component: { id: string }) => component.id === 'web-frontend');
    delete data['components'][index].commitment;
    assert.equal(parseAgencyConfig(data, 'agency.yaml').components[index]?.commitment, undefined);
    data['components'][index].commitment = { de: 'Barrierearm nach WCAG 2.1 AA.', en: 'Accessible to WCAG 2.1 AA.' };
    assert.deepEqual([...problemsOf(() => parseAgencyConfig(data, 'agency.yaml'))].sort(), [
      `components[${index}].commitment.es: Invalid input: expected string, received undefined`,
      `components[${index}].commitment.fr: Invalid input: expected string, received undefined`,
    ]);
  });

  it('reads a JSON file by its extension', () => {
    const path = join(folder, 'agency.json');
    writeFileSync(path, JSON.stringify({ ...shipped(), name: 'Other Agency' }));

    assert.equal(loadAgencyConfig(path).name, 'Other Agency');
  });
});
