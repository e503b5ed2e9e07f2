import { numberFormat } from '../lib/intl-formats.js';

/**
 * Text for Slack's mrkdwn. Lead messages and model output are untrusted: escaped, `<!channel>`,
 * `<@U…>` and `<http…|…>` arrive as text and cannot ping anyone or hide a link, and a bare
 * `@channel`, `@here` or `@everyone` gets a zero-width joiner so no client turns it into a mention.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/** Slack's limit on a section's text. */
export const SECTION_TEXT_LIMIT = 3000;

/** Cuts text to `limit` characters, saying so, without splitting an escape sequence. */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let cut = text.slice(0, limit - 1);
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && amp > cut.length - 6 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return `${cut}…`;
}

/** Splits escaped text into pieces of at most `limit` characters, at line breaks where it can. */
export function chunkText(text: string, limit = SECTION_TEXT_LIMIT): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let at = rest.lastIndexOf('\n', limit);
    if (at < limit / 2) at = rest.lastIndexOf(' ', limit);
    if (at < limit / 2) at = limit;
    // Never between the & and ; of an escape.
    const amp = rest.lastIndexOf('&', at);
    if (amp !== -1 && amp > at - 6 && !rest.slice(amp, at).includes(';')) at = amp;
    chunks.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

/** A Slack user mention from an actor we recorded (`slack:U123`); anything else as escaped text. */
export function deciderText(decidedBy: string): string {
  const match = /^slack:([UW][A-Z0-9]{2,30})$/.exec(decidedBy);
  return match ? `<@${match[1]}>` : escapeMrkdwn(decidedBy);
}

/** A time every Slack client shows in the reader's own time zone, with a plain fallback. */
export function slackDate(at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${at.toISOString().replace('T', ' ').slice(0, 16)} UTC>`;
}

export function money(amount: number, currency: string): string {
  return `${numberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(amount)} ${escapeMrkdwn(currency)}`;
}
