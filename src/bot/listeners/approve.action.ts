import type { App, BlockButtonAction } from '@slack/bolt';
import { ACTION } from '../action-ids.js';
import { deliveryKey, mayDecide, REFUSAL, type BotContext } from '../bot-context.js';
import { answerDecision, ephemeral } from './decision-answers.js';

/** Approve: decided through the API as the clicking Slack user; the card follows the change. */
export function registerApproveAction(app: App, context: BotContext): void {
  app.action<BlockButtonAction>(ACTION.approve, async ({ ack, body, action, respond }) => {
    await ack();
    context.afterAck('approve', async () => {
      if (!(await context.posts.firstDelivery(deliveryKey(body)))) return;
      const userId = body.user.id;
      if (!mayDecide(context, userId)) return ephemeral(respond, REFUSAL);
      const result = await context.api.approve(action.value ?? '', userId);
      await answerDecision(context, (message) => ephemeral(respond, message.text), action.value ?? '', result, 'approve');
    });
  });
}
