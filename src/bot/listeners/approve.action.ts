import type { App, BlockButtonAction } from '@slack/bolt';
import { deliveryKey, mayDecide, REFUSAL, type BotContext } from '../bot-context.js';
import type { Decidable } from '../decidables.js';
import { answerDecision, ephemeral } from './decision-answers.js';

/** Approve: decided through the API as the clicking Slack user; the card follows the change. */
export function registerApproveAction<Subject>(app: App, context: BotContext, decidable: Decidable<Subject>): void {
  app.action<BlockButtonAction>(decidable.actions.approve, async ({ ack, body, action, respond }) => {
    await ack();
    context.afterAck(decidable.actions.approve, async () => {
      if (!(await context.posts.firstDelivery(deliveryKey(body)))) return;
      const userId = body.user.id;
      if (!mayDecide(context, userId)) return ephemeral(respond, REFUSAL);
      const id = action.value ?? '';
      const result = await decidable.approve(context, id, userId);
      await answerDecision(context, decidable, (message) => ephemeral(respond, message.text), id, result, 'approve');
    });
  });
}
