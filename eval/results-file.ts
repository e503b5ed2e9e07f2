import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LeadRun } from './lead-result.js';
import { failureLines } from './report.js';
import type { LeadScore } from './score-lead.js';
import type { GateResult, Summary } from './summarise.js';

/**
 * The JSON a run leaves behind: enough to compare two runs (prompt versions, providers) lead by
 * lead without running them again, the pipeline's raw output included.
 */

export const RESULTS_FORMAT = 'leadpilot-eval/v1';

export interface PromptVersionUsed {
  readonly agent: string;
  readonly file: string;
  readonly sha256: string;
  readonly id: string;
  /** As the API names it, e.g. pricing/v2. */
  readonly version: string | null;
}

export interface ResultsDocument {
  readonly format: typeof RESULTS_FORMAT;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly provider: string;
  /** The model name of a real provider; null offline. */
  readonly model: string | null;
  readonly commit: string | null;
  readonly options: {
    readonly only: readonly string[];
    readonly concurrency: number | null;
    readonly timeoutMs: number;
  };
  readonly promptVersions: readonly PromptVersionUsed[];
  readonly gates: GateResult;
  readonly summary: Summary;
  readonly failures: readonly string[];
  readonly leads: readonly { readonly score: LeadScore; readonly run: LeadRun }[];
}

export function buildResultsDocument(input: Omit<ResultsDocument, 'format' | 'failures' | 'leads'> & { scores: readonly LeadScore[]; runs: readonly LeadRun[] }): ResultsDocument {
  const { scores, runs, ...rest } = input;
  if (scores.length !== runs.length) throw new Error(`${scores.length} scores for ${runs.length} runs`);
  return {
    format: RESULTS_FORMAT,
    ...rest,
    failures: failureLines(scores, { showHoldout: true }),
    leads: scores.map((score, index) => ({ score, run: runs[index]! })),
  };
}

/** `eval/results/2026-11-25T07-40-00.000Z-offline.json`: colons are not allowed in file names everywhere. */
export function defaultResultsPath(startedAt: Date, provider: string, root = 'eval/results'): string {
  return path.join(root, `${startedAt.toISOString().replace(/:/g, '-')}-${provider}.json`);
}

export async function writeResults(file: string, document: ResultsDocument): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`, 'utf8');
}
