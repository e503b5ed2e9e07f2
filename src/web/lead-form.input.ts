import { z } from 'zod';
import { LeadSource, type Language } from '../entities/enums.js';
import { submitLeadSchema, type SubmitLeadInput } from '../services/lead.service.js';
import { BUDGET_AMOUNTS, BUDGET_CHOICES, TIMELINE_CHOICES, TIMELINE_STORED, type FormTexts } from './form-texts.js';

export const FORM_FIELDS = ['name', 'email', 'company', 'website', 'message', 'budget', 'timeline', 'consent'] as const;
export type FormField = (typeof FORM_FIELDS)[number];
export type FormValues = Partial<Record<FormField, string>>;
export type FormErrors = Partial<Record<FormField, string>>;

/** Named like a field a person would never see or fill: only bots that fill every input do. */
export const HONEYPOT_FIELD = 'fax_number';

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/**
 * The form's fields with the very rules of `submitLead` (the same zod pieces), plus what only the
 * form has: the budget and timeline choices and the consent, which is required.
 */
const leadFormSchema = z.object({
  name: submitLeadSchema.shape.name,
  email: submitLeadSchema.shape.email,
  company: submitLeadSchema.shape.company,
  website: submitLeadSchema.shape.website,
  message: submitLeadSchema.shape.message,
  budget: z.preprocess(blankToUndefined, z.enum(BUDGET_CHOICES).optional()),
  timeline: z.preprocess(blankToUndefined, z.enum(TIMELINE_CHOICES).optional()),
  consent: z.literal('yes'),
});

export interface FormSubmission {
  readonly values: FormValues;
  readonly honeypotFilled: boolean;
  readonly language: unknown;
}

/** Reads an urlencoded body; a field sent twice counts as its first value. */
export function readFormBody(body: unknown): FormSubmission {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = (name: string) => {
    const value = fields[name];
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  };
  const values: FormValues = {};
  for (const field of FORM_FIELDS) {
    const value = text(field);
    if (value !== undefined) values[field] = value;
  }
  return { values, honeypotFilled: (text(HONEYPOT_FIELD) ?? '').trim() !== '', language: text('lang') };
}

export type FormValidation = { readonly valid: true; readonly input: SubmitLeadInput } | { readonly valid: false; readonly errors: FormErrors };

/** Validates on the server (the authority; the page's HTML attributes only help) with messages in the page's language. */
export function validateLeadForm(values: FormValues, language: Language, texts: FormTexts): FormValidation {
  const parsed = leadFormSchema.safeParse(values);
  if (!parsed.success) {
    const errors: FormErrors = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as FormField | undefined;
      if (!field || errors[field]) continue;
      errors[field] = messageFor(field, issue, values[field], texts);
    }
    return { valid: false, errors };
  }
  const form = parsed.data;
  return {
    valid: true,
    input: {
      name: form.name,
      email: form.email,
      company: form.company,
      website: form.website,
      message: form.message,
      budget: form.budget ? BUDGET_AMOUNTS[form.budget] : null,
      timeline: form.timeline ? TIMELINE_STORED[form.timeline] : null,
      language,
      source: LeadSource.FORM,
    },
  };
}

function messageFor(field: FormField, issue: z.core.$ZodIssue, given: string | undefined, texts: FormTexts): string {
  const { errors } = texts;
  if (issue.code === 'too_big' && typeof issue.maximum === 'number') return errors.tooLong(Number(issue.maximum));
  const blank = (given ?? '').trim() === '';
  switch (field) {
    case 'name':
      return errors.nameRequired;
    case 'email':
      return blank ? errors.emailRequired : errors.emailInvalid;
    case 'message':
      return errors.messageRequired;
    case 'consent':
      return errors.consentRequired;
    case 'budget':
    case 'timeline':
      return errors.invalidChoice;
    default:
      return errors.invalid;
  }
}
