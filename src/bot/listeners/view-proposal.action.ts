import type { App, BlockButtonAction } from '@slack/bolt';
import { ACTION } from '../action-ids.js';
import { deliveryKey, type BotContext } from '../bot-context.js';
import { loadCardSubject } from '../card-subject.js';
import { proposalModal } from '../proposal-card.js';
import { ephemeral } from './decision-answers.js';

/** View: a modal with the whole text, open to anyone in the channel. */
export function registerViewProposalAction(app: App, context: BotContext): void {
  app.action<BlockButtonAction>(ACTION.view, async ({ ack, body, action, respond }) => {
    await ack();
    context.afterAck('view', async () => {
      if (!(await context.posts.firstDelivery(deliveryKey(body)))) return;
      const subject = await loadCardSubject(context.dataSource, action.value ?? '');
      if (!subject) return ephemeral(respond, 'This proposal no longer exists.');
      await context.client.views.open({ trigger_id: body.trigger_id, view: proposalModal(subject, { publicUrl: context.publicUrl }) });
    });
  });
}
