import type { RespondFn } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import { loadCardSubject } from '../card-subject.js';
import type { DecisionResult } from '../leadpilot-api.client.js';
import { alreadyDecidedText } from '../proposal-card.js';
import { escapeMrkdwn } from '../slack-text.js';

/** A decision that went through says nothing more (the card updates); a refused one says why. */
export async function answerDecision(context: BotContext, respond: (message: { text: string }) => Promise<unknown>, proposalId: string, result: DecisionResult, verb: string): Promise<void> {
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

/** An answer only the clicking user sees, through the interaction's response_url. */
export async function ephemeral(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}
