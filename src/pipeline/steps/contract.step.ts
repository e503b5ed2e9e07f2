import { draftContract, DRAFT_CONTRACT_AGENT } from '../../agents/draft-contract.agent.js';
import { returnedRows } from '../../database/query-rows.js';
import { ProposalStatus } from '../../entities/enums.js';
import { Lead } from '../../entities/lead.entity.js';
import { Proposal } from '../../entities/proposal.entity.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { PipelinePayloads } from '../pipeline-jobs.js';
import { activity } from '../step-runner.js';

/**
 * The contract drafter, when the customer accepts: a Markdown draft for legal review, stored on
 * the accepted proposal once (a redelivered job finds it written and stops).
 */
export async function contractStep(context: PipelineContext, payload: PipelinePayloads['proposal-contract'], signal?: AbortSignal): Promise<void> {
  const proposal = await context.dataSource.getRepository(Proposal).findOneBy({ id: payload.proposalId });
  if (!proposal || proposal.status !== ProposalStatus.ACCEPTED || proposal.contractDraft) return;
  const lead = await context.dataSource.getRepository(Lead).findOneByOrFail({ id: proposal.leadId });
  if (lead.erasedAt) return;
  const acceptedAt = context.clock.now().toISOString().slice(0, 10);
  const { model, promptVersion } = await context.models.forAgent(DRAFT_CONTRACT_AGENT.agent, lead.id);
  const { object: draft } = await draftContract(
    model,
    {
      language: proposal.language,
      client: { name: lead.name, company: lead.company, email: lead.email },
      proposal: {
        title: proposal.title,
        body: proposal.body,
        // Effort lines only: adjustments (discount, minimum size) are in the total.
        lineItems: proposal.lineItems.filter((item) => item.days != null && item.rate != null && item.amount >= 0).map((item) => ({ description: item.description, days: item.days!, rate: item.rate!, amount: item.amount })),
        total: proposal.total,
        currency: proposal.currency,
        pricingModel: proposal.pricingModel,
        validUntil: proposal.validUntil,
      },
      acceptedAt,
    },
    context.agency,
    { leadId: lead.id, promptVersion, signal },
  );
  await context.dataSource.transaction(async (manager) => {
    const rows = (await manager.query(`UPDATE proposals SET contract_draft = $2, updated_at = now() WHERE id = $1 AND contract_draft IS NULL RETURNING id`, [proposal.id, draft.body])) as unknown;
    if (returnedRows(rows).length !== 1) return;
    await activity(manager, lead.id, 'contract.drafted', { proposalId: proposal.id, revision: proposal.revision }, `agent:${DRAFT_CONTRACT_AGENT.agent}`);
    await context.events.proposalChanged(proposal.id, proposal.status, manager);
  });
}
