import type { App, BlockButtonAction } from '@slack/bolt';
import { deliveryKey, mayDecide, REFUSAL, type BotContext } from '../bot-context.js';
import type { Decidable } from '../decidables.js';
import { ephemeral } from './decision-answers.js';

/** Reject: opens the feedback modal (the rejection itself is its submission). */
export function registerRejectAction<Subject>(app: App, context: BotContext, decidable: Decidable<Subject>): void {
  app.action<BlockButtonAction>(decidable.actions.reject, async ({ ack, body, action, respond }) => {
    await ack();
    context.afterAck(decidable.actions.reject, async () => {
      if (!(await context.posts.firstDelivery(deliveryKey(body)))) return;
      const userId = body.user.id;
      if (!mayDecide(context, userId)) return ephemeral(respond, REFUSAL);
      const subject = await decidable.load(context, action.value ?? '');
      if (!subject) return ephemeral(respond, `This ${decidable.noun} no longer exists.`);
      if (!decidable.isOpen(subject)) return ephemeral(respond, decidable.alreadyDecidedText(subject));
      await context.client.views.open({ trigger_id: body.trigger_id, view: decidable.rejectModal(subject, body.channel?.id ?? null) });
    }, { opensModal: true });
  });
}
