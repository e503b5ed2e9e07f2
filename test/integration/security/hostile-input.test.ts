import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Role } from '../../../src/entities/enums.js';
import { signatureHeader } from '../../../src/integrations/webhook-signature.js';
import { graphql } from '../../helpers/graphql.js';
import { settled, submitLead, waitForLead } from '../../helpers/pipeline.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const SECRET = 'hostile-input-webhook-secret';
const SCRIPT = `<script>document.title='owned'</script><img src=x onerror="alert(1)">`;
const SQL = `Robert'); DROP TABLE leads; --`;
const MESSAGE = `We need a shop. ${SCRIPT} Also: ' OR '1'='1'; DELETE FROM api_keys; -- and {{agency.name}} \${process.exit(1)} 50% _off_`;
const HOSTILE_LEAD = { name: SQL, email: 'robert@tables.example', company: SCRIPT, message: MESSAGE };

const LEAD_FIELDS = 'name email company message';

async function readBack(server: TestServer, id: string) {
  const response = await graphql(server.graphqlUrl, `query ($id: ID!) { lead(id: $id) { ${LEAD_FIELDS} } }`, { variables: { id }, key: server.keys[Role.VIEWER] });
  return response.data?.['lead'] as Record<string, string>;
}

describe('script- and SQL-looking input', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ worker: true, env: { LEAD_WEBHOOK_SECRET: SECRET } });
  });
  after(() => server.stop());

  it('is stored and returned verbatim over GraphQL, as JSON, and every table is still there', async () => {
    const id = await submitLead(server, HOSTILE_LEAD);
    assert.deepEqual(await readBack(server, id), HOSTILE_LEAD);
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.keys[Role.VIEWER]}` },
      body: JSON.stringify({ query: `{ leads { edges { node { company } } } }` }),
    });
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'never served as HTML');
    const [{ count: keys }] = await server.dataSource.query(`SELECT count(*)::int AS count FROM api_keys`);
    assert.ok(keys >= 4, 'no statement in the input ran');
  });

  it('is searched for as text: quotes and LIKE wildcards match only themselves', async () => {
    await submitLead(server, { name: 'Plain Person', email: 'plain@example.com', message: 'An ordinary request for a booking app.' });
    const search = async (text: string) =>
      (await graphql(server.graphqlUrl, 'query ($search: String) { leads(filter: { search: $search }) { totalCount edges { node { email } } } }', { variables: { search: text }, key: server.keys[Role.VIEWER] })).data?.['leads'];
    const quoted = await search(`'); DROP`);
    assert.deepEqual(quoted.edges.map((edge: any) => edge.node.email), ['robert@tables.example']);
    assert.equal((await search('%')).totalCount, 0, 'no name, company or e-mail holds a %');
    assert.equal((await search('_')).totalCount, 0);
  });

  it('arrives verbatim through the signed lead webhook', async () => {
    const body = JSON.stringify(HOSTILE_LEAD);
    const response = await fetch(`${server.url}/webhooks/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'leadpilot-delivery': randomUUID(), 'leadpilot-signature': signatureHeader(SECRET, body, new Date()) },
      body,
    });
    assert.equal(response.status, 202);
    const { leadId } = (await response.json()) as { leadId: string };
    assert.deepEqual(await readBack(server, leadId), HOSTILE_LEAD);
  });

  it('goes through the whole pipeline as data, and none of it reaches the automatic first reply', async () => {
    const id = await submitLead(server, { ...HOSTILE_LEAD, email: 'robert.2@tables.example' });
    const lead = await waitForLead(server, id, settled);
    assert.notEqual(lead.status, 'FAILED', JSON.stringify(lead.activities.map((entry: any) => entry.type)));
    const reply = lead.outboundMessages.find((message: any) => message.kind === 'first_reply');
    assert.ok(reply, `a first reply was written (the lead is ${lead.status})`);
    assert.doesNotMatch(JSON.stringify(reply), /DROP TABLE|<script|onerror|\{\{|\$\{|Robert'\)/);
  });
});
