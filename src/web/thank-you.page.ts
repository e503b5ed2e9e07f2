import type { Language } from '../entities/enums.js';
import { FORM_TEXTS } from './form-texts.js';
import { html } from './html.js';
import { pageLayout } from './page-layout.js';

/** After a submission (and, so a bot cannot tell, after a filled honeypot too). */
export function renderThankYouPage(language: Language): string {
  const texts = FORM_TEXTS[language];
  return pageLayout({
    language,
    title: texts.thanksTitle,
    path: '/thanks',
    body: html`<h1>${texts.thanksTitle}</h1>
<p role="status">${texts.thanksBody}</p>
<p><a href="/?lang=${language}">${texts.thanksBack}</a></p>`,
  });
}
