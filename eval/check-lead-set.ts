import path from 'node:path';
import {
  DISPOSITIONS,
  LEAD_CATEGORIES,
  LEAD_LANGUAGES,
  loadLeadCases,
  type LeadCase,
} from './lead-case.schema.js';

/**
 * Checks the labelled lead set: every file valid and named after its id, ids unique across the
 * tuning set and the hold-out, and each language represented enough in both. Prints the counts.
 * Usage: node dist/eval/check-lead-set.js [eval/leads]
 */

const MINIMUM_TOTAL = 60;
const MINIMUM_PER_LANGUAGE = 14;
const MINIMUM_HOLDOUT = 16;
const MINIMUM_HOLDOUT_PER_LANGUAGE = 4;

function countBy<Key extends string>(leadCases: LeadCase[], keys: readonly Key[], keyOf: (leadCase: LeadCase) => Key) {
  const counts = new Map<Key, number>(keys.map((key) => [key, 0]));
  for (const leadCase of leadCases) {
    const key = keyOf(leadCase);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function printTable<Key extends string>(
  title: string,
  keys: readonly Key[],
  keyOf: (leadCase: LeadCase) => Key,
  rest: LeadCase[],
  holdout: LeadCase[],
) {
  const restCounts = countBy(rest, keys, keyOf);
  const holdoutCounts = countBy(holdout, keys, keyOf);
  const width = Math.max(title.length, ...keys.map((key) => key.length));
  const row = (label: string, ...cells: (string | number)[]) =>
    console.log(label.padEnd(width), ...cells.map((cell) => String(cell).padStart(8)));
  row(title, 'leads', 'holdout', 'total');
  for (const key of keys) {
    const restCount = restCounts.get(key) ?? 0;
    const holdoutCount = holdoutCounts.get(key) ?? 0;
    row(key, restCount, holdoutCount, restCount + holdoutCount);
  }
  console.log();
}

async function checkLeadSet(root: string): Promise<string[]> {
  const rest = await loadLeadCases(root);
  const holdout = await loadLeadCases(path.join(root, 'holdout'));
  const all = [...rest, ...holdout];

  printTable('language', LEAD_LANGUAGES, (leadCase) => leadCase.language, rest, holdout);
  printTable('category', LEAD_CATEGORIES, (leadCase) => leadCase.category, rest, holdout);
  printTable('disposition', DISPOSITIONS, (leadCase) => leadCase.labels.disposition, rest, holdout);
  const injections = (leadCases: LeadCase[]) => leadCases.filter((leadCase) => leadCase.labels.injection).length;
  console.log(`injection attempts: ${injections(rest)} + ${injections(holdout)} in the hold-out`);
  console.log(`total: ${rest.length} + ${holdout.length} in the hold-out = ${all.length}\n`);

  const problems: string[] = [];
  const seen = new Set<string>();
  for (const leadCase of all) {
    if (seen.has(leadCase.id)) problems.push(`duplicate id "${leadCase.id}" (in eval/leads and its hold-out)`);
    seen.add(leadCase.id);
  }
  if (all.length < MINIMUM_TOTAL) problems.push(`${all.length} leads, at least ${MINIMUM_TOTAL} required`);
  if (holdout.length < MINIMUM_HOLDOUT) problems.push(`${holdout.length} hold-out leads, at least ${MINIMUM_HOLDOUT} required`);
  for (const language of LEAD_LANGUAGES) {
    const total = all.filter((leadCase) => leadCase.language === language).length;
    const inHoldout = holdout.filter((leadCase) => leadCase.language === language).length;
    if (total < MINIMUM_PER_LANGUAGE) problems.push(`${language}: ${total} leads, at least ${MINIMUM_PER_LANGUAGE} required`);
    if (inHoldout < MINIMUM_HOLDOUT_PER_LANGUAGE) {
      problems.push(`${language}: ${inHoldout} hold-out leads, at least ${MINIMUM_HOLDOUT_PER_LANGUAGE} required`);
    }
  }
  return problems;
}

const root = path.resolve(process.argv[2] ?? 'eval/leads');
try {
  const problems = await checkLeadSet(root);
  for (const problem of problems) console.error(`✗ ${problem}`);
  if (problems.length > 0) process.exitCode = 1;
  else console.log('✓ lead set is valid');
} catch (error: unknown) {
  console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
