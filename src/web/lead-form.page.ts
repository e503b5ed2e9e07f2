import type { Language } from '../entities/enums.js';
import { LEAD_LIMITS } from '../services/lead.service.js';
import { BUDGET_CHOICES, FORM_TEXTS, TIMELINE_CHOICES } from './form-texts.js';
import { html, trusted, type SafeHtml } from './html.js';
import { HONEYPOT_FIELD, type FormErrors, type FormField, type FormValues } from './lead-form.input.js';
import { pageLayout } from './page-layout.js';

export interface LeadFormPage {
  language: Language;
  values?: FormValues;
  errors?: FormErrors;
}

/**
 * The lead-capture page. Works without JavaScript (a plain urlencoded POST); every label is bound
 * to its input, and a field's error sits next to it (aria-describedby, aria-invalid) and in a
 * summary at the top that links to it. Values sent come back escaped, never as markup.
 */
export function renderLeadFormPage({ language, values = {}, errors = {} }: LeadFormPage): string {
  const texts = FORM_TEXTS[language];
  const problems = Object.entries(errors) as [FormField, string][];
  const labels: Record<FormField, string> = {
    name: texts.name, email: texts.email, company: texts.company, website: texts.website, message: texts.message,
    budget: texts.budget, timeline: texts.timeline, consent: texts.consentName,
  };

  const describedBy = (field: FormField, hint = false) => {
    const ids = [hint ? `${field}-hint` : '', errors[field] ? `${field}-error` : ''].filter(Boolean).join(' ');
    return ids ? html` aria-describedby="${ids}"` : '';
  };
  const invalid = (field: FormField) => (errors[field] ? trusted(' aria-invalid="true"') : '');
  const errorOf = (field: FormField) => (errors[field] ? html`<p class="error" id="${field}-error">${errors[field]}</p>` : '');
  const label = (field: FormField, required: boolean) =>
    html`<label for="${field}">${labels[field]} <span class="note">(${required ? texts.required : texts.optional})</span></label>`;
  const textInput = (field: FormField, options: { type?: string; required?: boolean; max: number; autocomplete: string; inputmode?: string; hint?: string }) =>
    html`<div class="field">
${label(field, options.required ?? false)}
${options.hint ? html`<p class="hint" id="${field}-hint">${options.hint}</p>` : ''}
<input id="${field}" name="${field}" type="${options.type ?? 'text'}" autocomplete="${options.autocomplete}" maxlength="${options.max}"${options.inputmode ? html` inputmode="${options.inputmode}"` : ''}${options.required ? trusted(' required') : ''} value="${values[field] ?? ''}"${invalid(field)}${describedBy(field, Boolean(options.hint))}>
${errorOf(field)}
</div>`;
  const select = (field: 'budget' | 'timeline', choices: readonly string[], names: Record<string, string>) =>
    html`<div class="field">
${label(field, false)}
<select id="${field}" name="${field}"${invalid(field)}${describedBy(field)}>
<option value="">${texts.choose}</option>
${choices.map((choice) => html`<option value="${choice}"${values[field] === choice ? trusted(' selected') : ''}>${names[choice]}</option>`)}
</select>
${errorOf(field)}
</div>`;

  const summary: SafeHtml | '' = problems.length
    ? html`<div class="summary" role="alert" aria-labelledby="summary-title">
<h2 id="summary-title">${texts.errorSummary}</h2>
<ul>${problems.map(([field, message]) => html`<li><a href="#${field}">${labels[field]}: ${message}</a></li>`)}</ul>
</div>`
    : '';

  const body = html`<h1>${texts.title}</h1>
<p>${texts.intro}</p>
${summary}
<form method="post" action="/" accept-charset="utf-8">
<input type="hidden" name="lang" value="${language}">
${textInput('name', { required: true, max: LEAD_LIMITS.name, autocomplete: 'name' })}
${textInput('email', { type: 'email', required: true, max: LEAD_LIMITS.email, autocomplete: 'email' })}
${textInput('company', { max: LEAD_LIMITS.company, autocomplete: 'organization' })}
${textInput('website', { max: LEAD_LIMITS.website, autocomplete: 'url', inputmode: 'url', hint: texts.websiteHint })}
<div class="field">
${label('message', true)}
<p class="hint" id="message-hint">${texts.messageHint}</p>
<textarea id="message" name="message" required maxlength="${LEAD_LIMITS.message}" rows="7"${invalid('message')}${describedBy('message', true)}>${values.message ?? ''}</textarea>
${errorOf('message')}
</div>
${select('budget', BUDGET_CHOICES, texts.budgetChoices)}
${select('timeline', TIMELINE_CHOICES, texts.timelineChoices)}
<div class="trap" aria-hidden="true">
<label for="${HONEYPOT_FIELD}">${texts.honeypot}</label>
<input id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" type="text" tabindex="-1" autocomplete="off" value="">
</div>
<div class="field">
<div class="check">
<input id="consent" name="consent" type="checkbox" value="yes" required${values.consent === 'yes' ? trusted(' checked') : ''}${invalid('consent')}${describedBy('consent')}>
<label for="consent">${texts.consent} <span class="note">(${texts.required})</span></label>
</div>
${errorOf('consent')}
</div>
<button type="submit">${texts.submit}</button>
</form>`;
  return pageLayout({ language, title: problems.length ? `${texts.errorSummary} ${texts.title}` : texts.title, path: '/', body });
}
