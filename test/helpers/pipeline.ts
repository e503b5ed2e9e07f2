import type { TestServer } from './server.js';
import { graphql } from './graphql.js';

/** Statuses where the pipeline waits for someone else (or has given up). */
export const SETTLED_LEAD_STATUSES = ['AWAITING_APPROVAL', 'DISQUALIFIED', 'SPAM', 'FAILED', 'SENT', 'WON', 'LOST'];

export const LEAD_RESULT = /* GraphQL */ `
  id status language fitScore priority nextAction scoreDetails firstResponseAt
  activities { type actor data }
  outboundMessages { kind subject payload status recipient }
  solutionDesigns { id revision summary components workPackages alternatives confidence }
  proposals { id revision status language title body total currency pricingModel reviewScore reviewNotes promptVersion contractDraft
              lineItems { description days rate amount } }
`;

export async function submitLead(server: TestServer, input: Record<string, unknown>): Promise<string> {
  const response = await graphql(server.graphqlUrl, `mutation ($input: SubmitLeadInput!) { submitLead(input: $input) { id } }`, { variables: { input }, key: server.keys.integration });
  if (!response.data?.['submitLead']) throw new Error(`submitLead failed: ${JSON.stringify(response.errors)}`);
  return response.data['submitLead'].id as string;
}

export async function readLead(server: TestServer, id: string): Promise<any> {
  const response = await graphql(server.graphqlUrl, `query ($id: ID!) { lead(id: $id) { ${LEAD_RESULT} } }`, { variables: { id }, key: server.keys.viewer });
  if (!response.data?.['lead']) throw new Error(`lead ${id} not readable: ${JSON.stringify(response.errors)}`);
  return response.data['lead'];
}

/**
 * Polls the lead over GraphQL until `done` holds. A deadline only bounds a hang; no spec asserts
 * how long anything took.
 */
export async function waitForLead(server: TestServer, id: string, done: (lead: any) => boolean, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let lead = await readLead(server, id);
  while (!done(lead)) {
    if (Date.now() > deadline) throw new Error(`lead ${id} did not get there; it is ${lead.status}: ${JSON.stringify(lead.activities.map((entry: any) => entry.type))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    lead = await readLead(server, id);
  }
  return lead;
}

/** Settled, and answered (unless it is spam or failed): the first reply is written in parallel with the proposal. */
export const settled = (lead: any) =>
  SETTLED_LEAD_STATUSES.includes(lead.status) && (['SPAM', 'FAILED'].includes(lead.status) || lead.outboundMessages.some((message: any) => message.kind === 'first_reply'));

/** The newest revision. */
export const latestProposal = (lead: any) => [...lead.proposals].sort((a: any, b: any) => b.revision - a.revision)[0];
