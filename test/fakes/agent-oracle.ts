import type { AgencyConfig } from '../../src/agents/agency-config.js';
import { analyseRequirementsOffline } from '../../src/agents/analyse-requirements.agent.js';
import { designSolutionOffline } from '../../src/agents/design-solution.agent.js';
import { draftContractOffline } from '../../src/agents/draft-contract.agent.js';
import { enrichLeadOffline } from '../../src/agents/enrich-lead.agent.js';
import { estimateEffortOffline } from '../../src/agents/estimate-effort.agent.js';
import { intakeOffline } from '../../src/agents/intake.agent.js';
import { orchestrateLeadOffline, QUALIFICATION_ROUTES, REVIEW_ROUTES } from '../../src/agents/orchestrate-lead.agent.js';
import { priceProposalOffline } from '../../src/agents/price-proposal.agent.js';
import { qualifyLeadOffline } from '../../src/agents/qualify-lead.agent.js';
import { respondToLeadOffline } from '../../src/agents/respond-to-lead.agent.js';
import { reviewProposalOffline } from '../../src/agents/review-proposal.agent.js';
import { proposalChangesOffline } from '../../src/agents/revise-proposal.agent.js';
import { writeProposalOffline } from '../../src/agents/write-proposal.agent.js';
import type { AgentRequest } from './fake-provider.server.js';

/**
 * A stand-in for a good model behind the fake OpenAI and Gemini servers: it recognises which agent
 * is asking, recovers that agent's input from the request (the JSON between the data tags), and
 * answers with the agent's own offline implementation. So the whole pipeline runs over the real
 * wire formats with answers that pass every schema and rule, and any offline fallback would show
 * in `agent_runs` instead of hiding a failure.
 */

/** OpenAI's schema name of each agent (its `schemaName`). */
export type AgentSchemaName =
  | 'lead_intake'
  | 'lead_enrichment'
  | 'lead_qualification'
  | 'lead_route'
  | 'first_reply_choice'
  | 'requirements_analysis'
  | 'solution_design'
  | 'effort_estimate'
  | 'price_proposal'
  | 'written_proposal'
  | 'review_step'
  | 'proposal_changes'
  | 'contract_draft';

/** Gemini sends no schema name: a property only that agent's output has tells it apart. */
const SIGNATURE_PROPERTIES: readonly [AgentSchemaName, string][] = [
  ['lead_intake', 'languageConfidence'],
  ['lead_enrichment', 'employees'],
  ['lead_qualification', 'fitScore'],
  ['lead_route', 'route'],
  ['first_reply_choice', 'greetingName'],
  ['requirements_analysis', 'openQuestions'],
  ['solution_design', 'chosenAlternativeId'],
  ['price_proposal', 'discountPercent'],
  ['effort_estimate', 'workPackages'],
  ['written_proposal', 'outline'],
  ['review_step', 'verdict'],
  ['proposal_changes', 'removeComponentIds'],
];

export function agentSchemaName(request: AgentRequest): AgentSchemaName {
  if (request.schemaName) return request.schemaName as AgentSchemaName;
  const properties = Object.keys((request.schema['properties'] as Record<string, unknown> | undefined) ?? {});
  const found = SIGNATURE_PROPERTIES.find(([, property]) => properties.includes(property));
  if (found) return found[0];
  if (/contract/i.test(request.system)) return 'contract_draft';
  throw new Error(`the oracle does not know the agent with output properties ${properties.join(', ')}`);
}

/** The JSON between <tag> and </tag> (as `delimitedData` writes it) in `text`. */
export function taggedData<T = any>(text: string, tag: string): T {
  const match = new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(text);
  if (!match) throw new Error(`no <${tag}> data in the request`);
  return JSON.parse(match[1]!) as T;
}

/** The answer a good model would give: the asking agent's offline implementation on the recovered input. */
export function agentOracle(agency: AgencyConfig): (request: AgentRequest) => unknown {
  return (request) => {
    const user = request.user;
    switch (agentSchemaName(request)) {
      case 'lead_intake':
        return intakeOffline({ ...taggedData(user, 'lead'), recentLeads: taggedData(user, 'recent_leads') }, agency);
      case 'lead_enrichment':
        return enrichLeadOffline(taggedData(user, 'lead'), agency);
      case 'lead_qualification':
        return qualifyLeadOffline(taggedData(user, 'lead'), agency);
      case 'lead_route': {
        // The routes allowed now are stated in the system text; the caller may have narrowed them.
        const allowed = /Allowed routes now: ([a-z_, ]+)\./.exec(request.system)?.[1]?.split(', ') ?? null;
        const facts = taggedData(user, 'facts');
        const known: readonly string[] = facts.decision === 'after-review' ? REVIEW_ROUTES : QUALIFICATION_ROUTES;
        return orchestrateLeadOffline({ ...facts, allowed: allowed?.filter((route) => known.includes(route)) ?? null }, agency);
      }
      case 'first_reply_choice': {
        const lead = taggedData(user, 'lead');
        return respondToLeadOffline({ language: lead.language, name: lead.safeName, nextAction: lead.nextAction, message: lead.message }, agency);
      }
      case 'requirements_analysis':
        return analyseRequirementsOffline(taggedData(user, 'lead'), agency);
      case 'solution_design':
        return designSolutionOffline(taggedData(user, 'requirements'), agency);
      case 'effort_estimate':
        return estimateEffortOffline(taggedData(user, 'design'), agency);
      case 'price_proposal':
        return priceProposalOffline(taggedData(user, 'estimate'), agency);
      case 'written_proposal':
        return writeProposalOffline({ ...taggedData(user, 'proposal_data'), message: taggedData(user, 'lead_message').message }, agency);
      case 'review_step': {
        // A ReAct reviewer may finish at once: with the verdict of the offline review of the subject.
        const review = reviewProposalOffline({ ...taggedData(user, 'proposal'), ...taggedData(user, 'context') }, agency);
        return { thought: 'I compared the proposal with its context and scored it.', action: 'finish', verdict: { score: review.score, findings: review.findings } };
      }
      case 'proposal_changes':
      {
        const inputs = taggedData(user, 'inputs');
        const { title, body } = taggedData(user, 'proposal');
        return proposalChangesOffline(
          { ...inputs, message: taggedData(user, 'lead_message').message, proposal: { ...inputs.proposal, title, body }, feedback: taggedData(user, 'feedback') },
          agency,
        );
      }
      case 'contract_draft':
        return draftContractOffline(taggedData(user, 'contract_data'), agency);
    }
  };
}
