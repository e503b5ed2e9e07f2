import type { App, ViewSubmitAction } from '@slack/bolt';
import { FEEDBACK_INPUT } from '../action-ids.js';
import { deliveryKey, mayDecide, REFUSAL, type BotContext } from '../bot-context.js';
import type { Decidable } from '../decidables.js';
import { answerDecision } from './decision-answers.js';

/** The reject modal submitted: feedback is required (answered in the ack), then rejected through the API. */
export function registerRejectFeedbackView<Subject>(app: App, context: BotContext, decidable: Decidable<Subject>): void {
  app.view<ViewSubmitAction>(decidable.rejectView, async ({ ack, body, view }) => {
    const feedback = view.state.values[FEEDBACK_INPUT.block]?.[FEEDBACK_INPUT.action]?.value?.trim() ?? '';
    if (!feedback) {
      await ack({ response_action: 'errors', errors: { [FEEDBACK_INPUT.block]: 'Feedback is required: say what to change (price, scope, text).' } });
      return;
    }
    await ack();
    context.afterAck(decidable.rejectView, async () => {
      if (!(await context.posts.firstDelivery(deliveryKey(body)))) return;
      const metadata = parseMetadata(view.private_metadata, decidable.metadataKey);
      if (!metadata) return;
      const userId = body.user.id;
      // A modal has no response_url: answers go to the channel, seen only by this user.
      const tell = async (text: string) => {
        if (metadata.channel) await context.client.chat.postEphemeral({ channel: metadata.channel, user: userId, text });
      };
      if (!mayDecide(context, userId)) return tell(REFUSAL);
      const result = await decidable.reject(context, metadata.id, userId, feedback);
      await answerDecision(context, decidable, (message) => tell(message.text), metadata.id, result, 'reject');
    });
  });
}

function parseMetadata(text: string, key: string): { id: string; channel: string | null } | null {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const id = parsed[key];
    return typeof id === 'string' ? { id, channel: typeof parsed['channel'] === 'string' ? parsed['channel'] : null } : null;
  } catch {
    return null;
  }
}
