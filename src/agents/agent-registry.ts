/**
 * The sixteen agents as data: what the `agents` query lists and what prompt versions may be
 * created for. Deliberately no imports of the agent modules: the registry must not pull in
 * every agent (and their prompts) just to name them. The names and built-in prompt versions
 * match each module's `X_AGENT` and `X_PROMPT_VERSION`.
 */
export interface AgentDefinition {
  /** As recorded in `agent_runs.agent`. */
  readonly name: string;
  /** As recorded in `agent_runs.strategy`. */
  readonly strategy: string;
  /** The version of the prompt built into the code, used when no prompt version is active. */
  readonly builtinPromptVersion: string;
  readonly description: string;
}

export const AGENT_REGISTRY: readonly AgentDefinition[] = Object.freeze([
  {
    name: 'intake',
    strategy: 'extract-and-normalise',
    builtinPromptVersion: 'intake/v1',
    description: 'Turns an inbound message into a clean lead: contact fields, language, budget and timeline.',
  },
  {
    name: 'enrichment',
    strategy: 'extract-and-infer',
    builtinPromptVersion: 'enrich-lead/v1',
    description: 'Adds what can be inferred about the company and the project from the lead and its website.',
  },
  {
    name: 'qualification',
    strategy: 'chain-of-thought',
    builtinPromptVersion: 'qualify-lead/v1',
    description: 'Scores the fit of a lead (0–100), sets its priority and the next action, or marks it as spam.',
  },
  {
    name: 'responder',
    strategy: 'template-fill',
    builtinPromptVersion: 'respond-to-lead/v1',
    description: "Writes the first reply to the lead in the lead's language.",
  },
  {
    name: 'requirements-analyst',
    strategy: 'chain-of-thought',
    builtinPromptVersion: 'analyse-requirements/v1',
    description: 'Turns the request into functional and non-functional requirements, open questions and assumptions.',
  },
  {
    name: 'solution-architect',
    strategy: 'tree-of-thoughts',
    builtinPromptVersion: 'design-solution/v1',
    description: 'Designs the solution: compares alternatives, then picks components, stack, work packages and risks.',
  },
  {
    name: 'estimator',
    strategy: 'chain-of-thought',
    builtinPromptVersion: 'estimate-effort/v1',
    description: 'Estimates the effort of each work package in person-days, with a range and its confidence.',
  },
  {
    name: 'pricing',
    strategy: 'chain-of-thought',
    builtinPromptVersion: 'price-proposal/v1',
    description: "Prices the estimate with the agency's rates and rules: line items, total and pricing model.",
  },
  {
    name: 'proposal-writer',
    strategy: 'outline-then-write',
    builtinPromptVersion: 'write-proposal/v1',
    description: 'Writes the proposal: an outline first, then the text, in the language of the lead.',
  },
  {
    name: 'reviewer',
    strategy: 'react',
    builtinPromptVersion: 'review-proposal/v1',
    description: 'Reviews a proposal against the requirements, the price and the house rules, and scores it.',
  },
  {
    name: 'reviser',
    strategy: 'critique-and-revise',
    builtinPromptVersion: 'revise-proposal/v1',
    description: "Revises a proposal after the reviewer's notes or a human rejection.",
  },
  {
    name: 'follow-up-writer',
    strategy: 'chain-of-thought',
    builtinPromptVersion: 'write-follow-up/v1',
    description: 'Writes follow-ups for sent proposals that have had no answer.',
  },
  {
    name: 'contract-drafter',
    strategy: 'template-fill',
    builtinPromptVersion: 'draft-contract/v1',
    description: "Drafts the contract for an accepted proposal from the agency's contract template.",
  },
  {
    name: 'crm-summariser',
    strategy: 'extractive-summary',
    builtinPromptVersion: 'summarise-for-crm/v1',
    description: 'Summarises a lead and its history for the CRM.',
  },
  {
    name: 'kpi-analyst',
    strategy: 'chain-of-thought',
    builtinPromptVersion: 'analyse-kpis/v1',
    description: 'Explains the KPIs of a period: what changed, and what to look at.',
  },
  {
    name: 'orchestrator',
    strategy: 'router',
    builtinPromptVersion: 'orchestrate-lead/v1',
    description: 'Decides the next step for a lead and routes it to the agent that takes it.',
  },
]);

export const AGENT_NAMES: readonly string[] = Object.freeze(AGENT_REGISTRY.map((agent) => agent.name));

/** The agent of that name, or undefined when there is none. */
export function findAgent(name: string): AgentDefinition | undefined {
  return AGENT_REGISTRY.find((agent) => agent.name === name);
}
