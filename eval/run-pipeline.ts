import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { GraphqlClient } from './graphql-client.js';
import type { LeadCase } from './lead-case.schema.js';
import {
  isSettled,
  LEAD_PROGRESS_QUERY,
  LEAD_RESULT_QUERY,
  leadProgressSchema,
  leadResultSchema,
  type LeadRun,
} from './lead-result.js';
import type { PromptVersionOption } from './eval-options.js';
import type { PromptVersionUsed } from './results-file.js';

/**
 * Drives the running pipeline through its GraphQL API: prompt versions first, then every case's
 * lead submitted and watched until settled, then its full result read. The pipeline is the real
 * one (services, jobs, database); the harness only submits and reads, as a client would.
 */

const SUBMIT_LEAD = /* GraphQL */ `
  mutation EvalSubmitLead($input: SubmitLeadInput!) {
    submitLead(input: $input) { id }
  }
`;

const CREATE_PROMPT_VERSION = /* GraphQL */ `
  mutation EvalCreatePromptVersion($agent: String!, $template: String!) {
    createPromptVersion(agent: $agent, template: $template) { id version }
  }
`;

const ACTIVATE_PROMPT_VERSION = /* GraphQL */ `
  mutation EvalActivatePromptVersion($id: ID!) {
    activatePromptVersion(id: $id) { id }
  }
`;

/** The lead as submitted: its own fields only, absent ones omitted, and never the labelled language. */
export function submitLeadInput(leadCase: LeadCase): Record<string, string | number> {
  const { name, email, company, website, phone, message, budget, timeline } = leadCase.lead;
  const input: Record<string, string | number | undefined> = { name, email, company, website, phone, message, budget, timeline };
  return Object.fromEntries(Object.entries(input).filter((entry): entry is [string, string | number] => entry[1] !== undefined));
}

export async function applyPromptVersions(client: GraphqlClient, promptVersions: readonly PromptVersionOption[]): Promise<PromptVersionUsed[]> {
  const used: PromptVersionUsed[] = [];
  for (const { agent, file } of promptVersions) {
    const template = await readFile(file, 'utf8');
    const created = await client.request<{ createPromptVersion: { id: string; version: string | number | null } }>(CREATE_PROMPT_VERSION, { agent, template });
    const { id, version } = created.createPromptVersion;
    await client.request(ACTIVATE_PROMPT_VERSION, { id });
    // The version is named like "pricing/v2"; proposals and agent runs record the same name.
    used.push({ agent, file, sha256: createHash('sha256').update(template).digest('hex'), id, version: version === null ? null : String(version) });
  }
  return used;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** One lead, submit to result. Never throws: whatever goes wrong is this lead's outcome. */
export async function runLead(
  client: GraphqlClient,
  leadCase: LeadCase,
  options: { timeoutMs: number; pollMs: number; now?: () => number; signal?: AbortSignal },
): Promise<LeadRun> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let leadId: string | null = null;
  let lastStatus: string | null = null;
  try {
    const submitted = await client.request<{ submitLead: { id: string } }>(SUBMIT_LEAD, { input: submitLeadInput(leadCase) });
    leadId = submitted.submitLead.id;
    for (;;) {
      const data = await client.request<{ lead: unknown }>(LEAD_PROGRESS_QUERY, { id: leadId });
      const progress = leadProgressSchema.parse(data.lead);
      lastStatus = progress.status;
      if (isSettled(progress)) break;
      if (options.signal?.aborted) return { outcome: 'error', leadId, durationMs: now() - started, error: 'interrupted' };
      if (now() - started >= options.timeoutMs) return { outcome: 'timeout', leadId, durationMs: now() - started, lastStatus };
      await delay(options.pollMs);
    }
    const durationMs = now() - started;
    const data = await client.request<{ lead: unknown }>(LEAD_RESULT_QUERY, { id: leadId });
    const parsed = leadResultSchema.safeParse(data.lead);
    if (!parsed.success) return { outcome: 'error', leadId, durationMs, error: `unexpected lead result: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}` };
    return { outcome: 'settled', leadId, durationMs, result: parsed.data };
  } catch (error) {
    return { outcome: 'error', leadId, durationMs: now() - started, error: message(error) };
  }
}

/** Runs every case, at most `concurrency` at once (all when null); results in the cases' order. */
export async function runLeads(
  client: GraphqlClient,
  leadCases: readonly LeadCase[],
  options: {
    concurrency: number | null;
    timeoutMs: number;
    pollMs: number;
    signal?: AbortSignal;
    onSettled?: (leadCase: LeadCase, run: LeadRun) => void;
  },
): Promise<LeadRun[]> {
  const runs: LeadRun[] = new Array(leadCases.length);
  let next = 0;
  const worker = async () => {
    while (next < leadCases.length) {
      const index = next++;
      if (options.signal?.aborted) {
        runs[index] = { outcome: 'error', leadId: null, durationMs: 0, error: 'interrupted' };
        continue;
      }
      const leadCase = leadCases[index]!;
      runs[index] = await runLead(client, leadCase, options);
      options.onSettled?.(leadCase, runs[index]);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? leadCases.length, leadCases.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return runs;
}
