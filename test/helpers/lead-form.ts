import { graphql } from './graphql.js';
import type { TestServer } from './server.js';
import { Role } from '../../src/entities/enums.js';

/** A complete, valid submission of the lead form (urlencoded field names). */
export const formFields = (overrides: Record<string, string> = {}): Record<string, string> => ({
  name: 'Ines Hartmann',
  email: 'ines@kanzlei-hartmann.example',
  company: 'Kanzlei Hartmann',
  website: 'kanzlei-hartmann.example',
  message: 'Wir brauchen ein Mandantenportal, in dem unsere Mandanten Dokumente hochladen und Termine buchen.',
  budget: '15k_50k',
  timeline: 'within_3_months',
  consent: 'yes',
  ...overrides,
});

/** POSTs the form as a browser without JavaScript would; redirects are not followed. */
export async function postForm(server: TestServer, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export interface ListedLead {
  id: string;
  name: string;
  email: string;
  company: string | null;
  website: string | null;
  message: string;
  budget: number | null;
  timeline: string | null;
  language: string;
  source: string;
  activities: { type: string; actor: string; data: Record<string, any> }[];
}

/** The leads whose e-mail contains `email`, read through the GraphQL API as a viewer. */
export async function leadsByEmail(server: TestServer, email: string): Promise<ListedLead[]> {
  const response = await graphql(
    server.graphqlUrl,
    `query ($search: String!) { leads(filter: { search: $search }) { edges { node { id name email company website message budget timeline language source activities { type actor data } } } } }`,
    { key: server.keys[Role.VIEWER], variables: { search: email } },
  );
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!.leads.edges.map((edge: { node: ListedLead }) => edge.node);
}
