import type { Language } from '../entities/enums.js';
import { FORM_TEXTS } from './form-texts.js';
import { html } from './html.js';
import { pageLayout } from './page-layout.js';

/** A friendly page for when a submission cannot be taken now: too many from one address, or a fault of ours. */
export function renderNoticePage(language: Language, notice: { title: string; body: string }): string {
  const texts = FORM_TEXTS[language];
  return pageLayout({
    language,
    title: notice.title,
    path: '/',
    body: html`<h1>${notice.title}</h1>
<p role="alert">${notice.body}</p>
<p><a href="/?lang=${language}">${texts.title}</a></p>`,
  });
}
