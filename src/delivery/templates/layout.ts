import type { AgencyConfig, AgencyLanguage } from '../../agents/agency-config.js';
import { MAIL_TEXTS } from './mail-texts.js';

/** What every rendered e-mail is: the same words twice, once as plain text and once as HTML. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Everything inside an HTML e-mail passes through here: lead text can never become markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);
}

/** Paragraphs (blank lines) become <p>, single line breaks <br>; every character is escaped first. */
export function paragraphsToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/** The agency's details under every message, and the unsubscribe link where the mail is to a lead. */
export function footerLines(agency: AgencyConfig, language: AgencyLanguage, unsubscribeUrl: string | null): string[] {
  const details = [agency.name, agency.contact.address, agency.website].filter((part): part is string => Boolean(part)).join(' · ');
  return [details, ...(unsubscribeUrl ? [MAIL_TEXTS[language].unsubscribe(unsubscribeUrl)] : [])];
}

/** Wraps a plain-text body into the full message: body, a rule, the footer; and the same as HTML. */
export function composeEmail(subject: string, body: string, agency: AgencyConfig, language: AgencyLanguage, unsubscribeUrl: string | null): RenderedEmail {
  const footer = footerLines(agency, language, unsubscribeUrl);
  const text = `${body.trim()}\n\n-- \n${footer.join('\n')}\n`;
  const footerHtml = [
    escapeHtml(footer[0]!),
    ...(unsubscribeUrl ? [`<a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(MAIL_TEXTS[language].unsubscribeLink)}</a>`] : []),
  ].join('<br>');
  const html = [
    '<!doctype html>',
    `<html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #1f2933;">',
    paragraphsToHtml(body),
    `<hr style="border: none; border-top: 1px solid #d9e2ec;"><p style="font-size: 12px; color: #627d98;">${footerHtml}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
