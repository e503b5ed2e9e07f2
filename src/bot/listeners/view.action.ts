import type { App, BlockButtonAction } from '@slack/bolt';
import { deliveryKey, type BotContext } from '../bot-context.js';
import type { Decidable } from '../decidables.js';
import { ephemeral } from './decision-answers.js';

/** View: a modal with the whole text, open to anyone in the channel. */
export function registerViewAction<Subject>(app: App, context: BotContext, decidable: Decidable<Subject>): void {
  app.action<BlockButtonAction>(decidable.actions.view, async ({ ack, body, action, respond }) => {
    await ack();
    context.afterAck(decidable.actions.view, async () => {
      if (!(await context.posts.firstDelivery(deliveryKey(body)))) return;
      const subject = await decidable.load(context, action.value ?? '');
      if (!subject) return ephemeral(respond, `This ${decidable.noun} no longer exists.`);
      await context.client.views.open({ trigger_id: body.trigger_id, view: decidable.viewModal(subject, context) });
    }, { opensModal: true });
  });
}
