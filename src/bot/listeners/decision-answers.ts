import type { RespondFn } from '@slack/bolt';
import type { BotContext } from '../bot-context.js';
import type { Decidable } from '../decidables.js';
import type { DecisionResult } from '../leadpilot-api.client.js';
import { escapeMrkdwn } from '../slack-text.js';

/** A decision that went through says nothing more (the card updates); a refused one says why. */
export async function answerDecision<Subject>(
  context: BotContext,
  decidable: Decidable<Subject>,
  respond: (message: { text: string }) => Promise<unknown>,
  id: string,
  result: DecisionResult,
  verb: string,
): Promise<void> {
  if (result.ok) return;
  if (result.code === 'CONFLICT') {
    const subject = await decidable.load(context, id);
    if (subject) {
      await respond({ text: decidable.alreadyDecidedText(subject) });
      return;
    }
  }
  context.logger.warn({ id, kind: decidable.noun, code: result.code }, `the ${verb} from Slack was refused by the API`);
  await respond({ text: `Could not ${verb} the ${decidable.noun}: ${escapeMrkdwn(result.message)}` });
}

/** An answer only the clicking user sees, through the interaction's response_url. */
export async function ephemeral(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}
