import type { App, BlockButtonAction, RespondFn, ViewSubmitAction } from '@slack/bolt';
import { ProposalStatus } from '../../entities/enums.js';
import { ACTION, FEEDBACK_INPUT, VIEW } from '../action-ids.js';
import { deliveryKey, mayDecide, REFUSAL, type BotContext } from '../bot-context.js';
import { loadCardSubject } from '../card-subject.js';
import type { DecisionResult } from '../leadpilot-api.client.js';
import { alreadyDecidedText, rejectModal, type RejectModalMetadata } from '../proposal-card.js';
import { escapeMrkdwn } from '../slack-text.js';

/** Approve, Reject (opens the feedback modal) and the modal's submission. */
export function registerDecisionActions(app: App, context: BotContext): void {
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

  app.view<ViewSubmitAction>(VIEW.rejectFeedback, async ({ ack, body, view }) => {
    const feedback = view.state.values[FEEDBACK_INPUT.block]?.[FEEDBACK_INPUT.action]?.value?.trim() ?? '';
    if (!feedback) {
      await ack({ response_action: 'errors', errors: { [FEEDBACK_INPUT.block]: 'Feedback is required: say what to change (price, scope, text).' } });
      return;
    }
    await ack();
    context.afterAck('reject-feedback', async () => {
      if (!(await context.posts.firstDelivery(deliveryKey(body)))) return;
      const metadata = parseMetadata(view.private_metadata);
      if (!metadata) return;
      const userId = body.user.id;
      const tell = async (text: string) => {
        if (metadata.channel) await context.client.chat.postEphemeral({ channel: metadata.channel, user: userId, text });
      };
      if (!mayDecide(context, userId)) return tell(REFUSAL);
      const result = await context.api.reject(metadata.proposalId, userId, feedback);
      await answerDecision(context, (message) => tell(message.text), metadata.proposalId, result, 'reject');
    });
  });
}

/** A decision that went through says nothing more (the card updates); a refused one says why. */
async function answerDecision(context: BotContext, respond: (message: { text: string }) => Promise<unknown>, proposalId: string, result: DecisionResult, verb: string): Promise<void> {
  if (result.ok) return;
  if (result.code === 'CONFLICT') {
    const subject = await loadCardSubject(context.dataSource, proposalId);
    if (subject) {
      await respond({ text: alreadyDecidedText(subject) });
      return;
    }
  }
  context.logger.warn({ proposalId, code: result.code }, `the ${verb} from Slack was refused by the API`);
  await respond({ text: `Could not ${verb} the proposal: ${escapeMrkdwn(result.message)}` });
}

export async function ephemeral(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}

function parseMetadata(text: string): RejectModalMetadata | null {
  try {
    const parsed = JSON.parse(text) as Partial<RejectModalMetadata>;
    return typeof parsed.proposalId === 'string' ? { proposalId: parsed.proposalId, channel: typeof parsed.channel === 'string' ? parsed.channel : null } : null;
  } catch {
    return null;
  }
}
