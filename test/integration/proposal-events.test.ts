import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ProposalStatus, Role } from '../../src/entities/enums.js';
import { ProposalService } from '../../src/services/proposal.service.js';
import { graphql } from '../helpers/graphql.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { subscribe } from '../helpers/subscriptions.js';

describe(`${ProposalService.name} events`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('announces each committed decision to proposalUpdated subscribers, with fresh nested fields', async () => {
    const subscription = await subscribe(server.graphqlUrl, server.keys[Role.VIEWER], `subscription { proposalUpdated(status: APPROVED) { id status lead { id } decisions { decidedBy } } }`);
    try {
      for (const [index, key] of [server.keys[Role.APPROVER], server.keys[Role.ADMIN]].entries()) {
        const { lead } = await server.services.leads.submit({ name: `Eve ${index}`, email: `eve${index}@example.com`, message: `A portal ${index}.` }, 'system');
        const proposal = await server.services.proposals.createDraft(lead.id, {}, ProposalStatus.PENDING_APPROVAL);
        const approved = await graphql(server.graphqlUrl, `mutation ($id: ID!) { approveProposal(id: $id) { id } }`, { key, variables: { id: proposal.id } });
        assert.equal(approved.errors, undefined);
        const event = await subscription.next();
        assert.deepEqual(event.data!.proposalUpdated, {
          id: proposal.id,
          status: 'APPROVED',
          lead: { id: lead.id },
          decisions: [{ decidedBy: index === 0 ? 'api-key:test-approver' : 'api-key:test-admin' }],
        });
      }
    } finally {
      await subscription.close();
    }
  });
});
