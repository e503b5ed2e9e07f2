import { createHmac, randomBytes } from 'node:crypto';

export const SLACK_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const APPROVAL_CHANNEL = 'C0APPROVALS';

/** Slack's v0 request signature: HMAC-SHA256 over `v0:<timestamp>:<raw body>`. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedRequestOptions {
  secret?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  retryNum?: number;
  /** Changes the body after signing (one byte), as an attacker would. */
  tamper?: (body: string) => string;
}

/** POSTs a form body to /slack/events exactly as Slack does, signed. */
export async function postSigned(baseUrl: string, body: string, options: SignedRequestOptions = {}): Promise<{ status: number; text: string }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = slackSignature(options.secret ?? SLACK_SIGNING_SECRET, timestamp, body);
  const sent = options.tamper ? options.tamper(body) : body;
  const response = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-signature': signature,
      'x-slack-request-timestamp': String(timestamp),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...(options.retryNum ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {}),
    },
    body: sent,
  });
  return { status: response.status, text: await response.text() };
}

/** An interaction payload, form-encoded as Slack sends it (`payload=<json>`). */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

const user = (userId: string) => ({ id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0TEAM' });
const triggerId = () => `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`;

/** A button click on a card (block_actions), as Slack sends it. */
export function buttonClick(options: { actionId: string; proposalId: string; userId: string; messageTs: string; responseUrl: string; channel?: string }): Record<string, unknown> {
  const channel = options.channel ?? APPROVAL_CHANNEL;
  return {
    type: 'block_actions',
    user: user(options.userId),
    api_app_id: 'A0LEADPILOT',
    token: 'verification-token-unused',
    container: { type: 'message', message_ts: options.messageTs, channel_id: channel, is_ephemeral: false },
    trigger_id: triggerId(),
    team: { id: 'T0TEAM', domain: 'leadpilot-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'approvals' },
    message: { type: 'message', user: 'U0BOT', ts: options.messageTs, bot_id: 'B0BOT', text: 'card' },
    state: { values: {} },
    response_url: options.responseUrl,
    actions: [
      {
        action_id: options.actionId,
        block_id: 'proposal_actions',
        text: { type: 'plain_text', text: 'button', emoji: true },
        value: options.proposalId,
        type: 'button',
        action_ts: `${Math.floor(Date.now() / 1000)}.${randomBytes(3).readUIntBE(0, 3)}`,
      },
    ],
  };
}

/** The reject modal submitted (view_submission), as Slack sends it. */
export function feedbackSubmission(options: { userId: string; privateMetadata: string; feedback: string; viewId?: string; callbackId?: string }): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: 'T0TEAM', domain: 'leadpilot-test' },
    user: user(options.userId),
    api_app_id: 'A0LEADPILOT',
    token: 'verification-token-unused',
    trigger_id: triggerId(),
    view: {
      id: options.viewId ?? `V${randomBytes(4).toString('hex').toUpperCase()}`,
      team_id: 'T0TEAM',
      type: 'modal',
      callback_id: options.callbackId ?? 'proposal_reject_feedback',
      private_metadata: options.privateMetadata,
      hash: randomBytes(8).toString('hex'),
      state: { values: { feedback_block: { feedback_input: { type: 'plain_text_input', value: options.feedback } } } },
      title: { type: 'plain_text', text: 'Reject proposal' },
      blocks: [],
      app_id: 'A0LEADPILOT',
      bot_id: 'B0BOT',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** A slash command, form-encoded as Slack sends it. */
export function slashCommandBody(options: { text: string; userId: string; responseUrl: string }): string {
  return new URLSearchParams({
    token: 'verification-token-unused',
    team_id: 'T0TEAM',
    team_domain: 'leadpilot-test',
    channel_id: APPROVAL_CHANNEL,
    channel_name: 'approvals',
    user_id: options.userId,
    user_name: options.userId.toLowerCase(),
    command: '/leadpilot',
    text: options.text,
    api_app_id: 'A0LEADPILOT',
    is_enterprise_install: 'false',
    response_url: options.responseUrl,
    trigger_id: triggerId(),
  }).toString();
}
