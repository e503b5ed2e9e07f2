import type { App, BlockButtonAction } from '@slack/bolt';
import { ProposalStatus } from '../../entities/enums.js';
import { ACTION } from '../action-ids.js';
import { deliveryKey, mayDecide, REFUSAL, type BotContext } from '../bot-context.js';
import { loadCardSubject } from '../card-subject.js';
import { alreadyDecidedText, rejectModal, type RejectModalMetadata } from '../proposal-card.js';
import { ephemeral } from './decision-answers.js';

/** Reject: opens the feedback modal (the rejection itself is its submission). */
export function registerRejectAction(app: App, context: BotContext): void {
  app.action<BlockButtonAction>(ACTION.reject, async ({ ack, body, action, respond }) => {
    await ack();
    context.afterAck('reject', async () => {
      if (!(await context.posts.firstDelivery(deliveryKey(body)))) return;
      const userId = body.user.id;
      if (!mayDecide(context, userId)) return ephemeral(respond, REFUSAL);
      const subject = await loadCardSubject(context.dataSource, action.value ?? '');
      if (!subject) return ephemeral(respond, 'This proposal no longer exists.');
      if (subject.proposal.status !== ProposalStatus.PENDING_APPROVAL) return ephemeral(respond, alreadyDecidedText(subject));
      const metadata: RejectModalMetadata = { proposalId: subject.proposal.id, channel: body.channel?.id ?? null };
      await context.client.views.open({ trigger_id: body.trigger_id, view: rejectModal(subject, metadata) });
    });
  });
}
