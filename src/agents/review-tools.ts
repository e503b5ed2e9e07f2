import { z } from 'zod';
import { Language } from '../entities/enums.js';
import { detectLanguage } from '../lib/detect-language.js';
import { agencyLanguage, componentRole, formatMoney, leadLanguageSchema } from './agent-support.js';
import type { AgencyConfig } from './agency-config.js';
import { normalizeText, wordsOf } from './keyword-matcher.js';
import { clampTotal, priceFloor, PRICING_MODELS } from './price-proposal.agent.js';
import { mentionsAmount, planWeeks } from './write-proposal.agent.js';
import { dateTimeFormat } from '../lib/intl-formats.js';

/**
 * The reviewer's tools: plain deterministic checks of a written proposal, each returning an
 * observation (passed, findings, a one-line summary). The ReAct reviewer calls them by name; the
 * score it ends with is bounded by what they found, in code.
 */

export const REVIEW_TOOLS = ['requirementCoverage', 'priceCheck', 'languageCheck', 'promiseCheck'] as const;
export type ReviewTool = (typeof REVIEW_TOOLS)[number];
export const REVIEW_SEVERITIES = ['blocking', 'minor'] as const;
/** Checks a finding can name: the tools, and 'style' for what the model notices beyond them. */
export const REVIEW_CHECKS = [...REVIEW_TOOLS, 'style'] as const;

export interface ReviewFinding {
  check: (typeof REVIEW_CHECKS)[number];
  severity: (typeof REVIEW_SEVERITIES)[number];
  message: string;
  fix: string;
}

export interface ToolObservation {
  tool: ReviewTool;
  passed: boolean;
  findings: ReviewFinding[];
  summary: string;
}

/** What the reviewer looks at: the proposal and the inputs it must agree with. */
export const reviewSubjectSchema = z.object({
  language: leadLanguageSchema,
  title: z.string(),
  body: z.string(),
  requirements: z.array(z.object({ id: z.string(), title: z.string().min(1) })),
  price: z.object({
    pricingModel: z.enum(PRICING_MODELS),
    lineItems: z.array(z.object({ roleId: z.string(), title: z.string(), days: z.number(), dayRate: z.number(), amount: z.number() })).min(1),
    subtotal: z.number(),
    discountPercent: z.number(),
    total: z.number(),
    currency: z.string(),
  }),
  /** The estimate: expected days per role, for the under-pricing check and the plan's weeks. */
  workPackages: z.array(z.object({ title: z.string(), roleId: z.string().nullable().default(null), expected: z.number().nonnegative() })).min(1),
  /** A delivery target the agency agreed (weeks, or a month 1-12): a deadline the body may state. */
  timeline: z.object({ weeks: z.number().nullable(), month: z.number().nullable() }).nullable().default(null),
});
export type ReviewSubjectInput = z.input<typeof reviewSubjectSchema>;
export type ReviewSubject = z.output<typeof reviewSubjectSchema>;

/** Below this share of the estimate's cost at the rate card, a total is under-priced. */
export const UNDER_PRICING_RATIO = 0.85;

const STOP_WORDS = new Set(['with', 'from', 'your', 'their', 'into', 'oder', 'eine', 'einer', 'einem', 'fuer', 'avec', 'pour', 'dans', 'sans', 'para', 'sobre', 'desde', 'como', 'ueber', 'unter', 'und', 'and', 'the', 'des', 'les', 'los', 'las', 'del', 'por']);

function observation(tool: ReviewTool, findings: ReviewFinding[], ok: string): ToolObservation {
  const passed = !findings.some((finding) => finding.severity === 'blocking');
  return { tool, passed, findings, summary: findings.length === 0 ? `${tool}: ${ok}` : `${tool}: ${findings.map((finding) => `[${finding.severity}] ${finding.message}`).join(' ')}` };
}

/** Is a requirement addressed: its title, or most of its key terms (word starts, so plurals and cases count). */
export function addressesRequirement(normalizedBody: string, title: string): boolean {
  const normalizedTitle = normalizeText(title);
  if (normalizedTitle && normalizedBody.includes(normalizedTitle)) return true;
  const terms = wordsOf(normalizedTitle).filter((word) => word.length >= 3 && !STOP_WORDS.has(word));
  if (terms.length === 0) return false;
  const bodyWords = wordsOf(normalizedBody);
  const found = terms.filter((term) => {
    const stem = term.length > 5 ? term.slice(0, term.length - 2) : term;
    return bodyWords.some((word) => word.startsWith(stem) || (term.length >= 6 && word.endsWith(term)));
  });
  return found.length / terms.length >= 0.6;
}

export function requirementCoverage(subject: ReviewSubject): ToolObservation {
  const body = normalizeText(subject.body);
  const missing = subject.requirements.filter((requirement) => !addressesRequirement(body, requirement.title));
  const findings: ReviewFinding[] = missing.map((requirement) => ({
    check: 'requirementCoverage',
    severity: 'blocking',
    message: `${requirement.id} "${requirement.title}" is not addressed.`,
    fix: `Add a passage on "${requirement.title}" to the requirements section.`,
  }));
  return observation('requirementCoverage', findings, `all ${subject.requirements.length} requirements are addressed.`);
}

/** The cost the estimate implies: expected days × the rate card (unknown roles at the component default). */
export function estimatedCost(subject: ReviewSubject, agency: AgencyConfig): number {
  return subject.workPackages.reduce((sum, item) => {
    const role = agency.rateCard.find((entry) => entry.id === item.roleId) ?? componentRole(agency, '');
    return sum + item.expected * role.dayRate;
  }, 0);
}

export function priceCheck(subject: ReviewSubject, agency: AgencyConfig): ToolObservation {
  const { price } = subject;
  const language = agencyLanguage(subject.language);
  const money = (amount: number) => formatMoney(agency, amount, language);
  const findings: ReviewFinding[] = [];
  const blocking = (message: string, fix: string) => findings.push({ check: 'priceCheck', severity: 'blocking', message, fix });
  if (price.currency !== agency.currency) blocking(`The currency is ${price.currency}, not ${agency.currency}.`, `Price in ${agency.currency}.`);
  for (const line of price.lineItems) {
    const role = agency.rateCard.find((entry) => entry.id === line.roleId);
    if (!role) blocking(`Line item "${line.title}" has no role of the rate card (${line.roleId}).`, 'Use a role of the rate card.');
    else if (line.dayRate !== role.dayRate) blocking(`Line item "${line.title}" charges ${line.dayRate} a day; the rate card says ${role.dayRate}.`, `Use the rate card's ${role.dayRate}.`);
    if (Math.abs(line.amount - line.days * line.dayRate) > 1) blocking(`Line item "${line.title}": ${line.days} × ${line.dayRate} is not ${line.amount}.`, 'Make each amount days × day rate.');
  }
  const sum = price.lineItems.reduce((total, line) => total + line.amount, 0);
  if (Math.abs(sum - price.subtotal) > 1) blocking(`The subtotal ${price.subtotal} is not the sum of the line items (${sum}).`, 'Make the subtotal the sum of the line items.');
  if (price.discountPercent > agency.pricing.maxDiscountPercent) {
    blocking(`The discount of ${price.discountPercent} % exceeds the maximum of ${agency.pricing.maxDiscountPercent} %.`, `Lower the discount to at most ${agency.pricing.maxDiscountPercent} %.`);
  }
  const expectedTotal = clampTotal(agency, price.subtotal * (1 - Math.min(price.discountPercent, 100) / 100));
  if (Math.abs(price.total - expectedTotal) > 1) blocking(`The total ${price.total} is not the discounted subtotal within the bounds (${expectedTotal}).`, `Set the total to ${expectedTotal}.`);
  if (price.total < priceFloor(agency) || price.total > agency.pricing.maxTotal) {
    blocking(`The total ${price.total} lies outside ${priceFloor(agency)} to ${agency.pricing.maxTotal}.`, 'Keep the total within the pricing bounds.');
  }
  const cost = Math.min(estimatedCost(subject, agency), agency.pricing.maxTotal);
  if (price.total < UNDER_PRICING_RATIO * cost) {
    blocking(
      `Under-priced: the total ${price.total} is ${Math.round((price.total / cost) * 100)} % of the ${Math.round(cost)} the estimate costs at the rate card (at least ${Math.round(UNDER_PRICING_RATIO * 100)} % expected).`,
      'Re-price from the estimate: expected days per role × the rate card.',
    );
  }
  if (!mentionsAmount(subject.body, price.total)) blocking(`The body does not state the total ${money(price.total)}.`, `State the total ${money(price.total)} in the price section.`);
  return observation('priceCheck', findings, `line items, rates, discount, bounds and the total ${price.total} agree; the body states it.`);
}

export function languageCheck(subject: ReviewSubject): ToolObservation {
  const expected = agencyLanguage(subject.language);
  const detected = detectLanguage(subject.body);
  const findings: ReviewFinding[] =
    detected === (expected as Language)
      ? []
      : [{ check: 'languageCheck', severity: 'blocking', message: `The body reads as ${detected}, the lead writes ${expected}.`, fix: `Re-write the proposal in ${expected}.` }];
  return observation('languageCheck', findings, `the body is in ${expected}, as the lead.`);
}

const DISCOUNT_WORDS = /\b(rabatt\w*|nachlass\w*|preisnachlass\w*|skonto|ermassigung\w*|discount\w*|off|reduction\w*|remise\w*|rabais|descuento\w*|rebaja\w*|bonificacion\w*)\b/;
const GUARANTEE_WORDS = /\b(garanti\w*|guarantee\w*|guaranty|garantiz\w*|zugesichert\w*|wir versprechen|we promise|nous promettons|prometemos)\b/;
const FREE_WORDS = /\b(kostenlos\w*|kostenfrei\w*|gratis|umsonst|unentgeltlich\w*|free of charge|for free|at no (?:extra )?(?:cost|charge)|free|gratuit\w*|sans frais|offert(?:e|s|es)? gratuitement|sin coste|sin costo|sin cargo)\b/g;
const REVEALING_WORDS = /(system ?prompt|systemprompt|my instructions|these instructions|meine anweisungen|meine instruktionen|ignore (?:all )?(?:previous|prior)|invite systeme|prompt systeme|mes instructions|prompt del sistema|mis instrucciones|as an ai\b|als ki modell|en tant qu'ia|como modelo de (?:ia|lenguaje)|data, never instructions|proposal_data|lead_message)/;
const DURATION = /(\d{1,3})\s+(wochen|woche|weeks?|semaines?|semanas?|monaten|monate|monat|months?|mois|meses|mes)\b/g;
const MONTHS: Record<string, number> = {};
for (const language of ['de', 'en', 'fr', 'es'] as const) {
  for (let month = 1; month <= 12; month += 1) {
    MONTHS[normalizeText(dateTimeFormat(language, { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, month - 1, 15))))] = month;
  }
}
// A month after "by", "until" … is a deadline; "until December 24" (a day follows) is the validity date.
const MONTH_DEADLINE = new RegExp(`\\b(?:bis|by|until|before|d'ici|avant|para|antes de|hasta)\\s+(?:ende |end of |the end of |fin |finales de |fines de )?(${Object.keys(MONTHS).join('|')})\\b(?! \\d{1,2}\\b)`, 'g');

export function promiseCheck(subject: ReviewSubject, agency: AgencyConfig): ToolObservation {
  const flat = subject.body.replace(/[\u00a0\u202f\u2009]/g, ' ');
  const text = normalizeText(flat);
  const findings: ReviewFinding[] = [];
  const blocking = (message: string, fix: string) => findings.push({ check: 'promiseCheck', severity: 'blocking', message, fix });

  for (const match of flat.matchAll(/(\d{1,3}(?:[.,]\d{1,2})?)\s*%/g)) {
    const value = Number(match[1]!.replace(',', '.'));
    const around = normalizeText(flat.slice(Math.max(0, match.index - 60), match.index + match[0].length + 30));
    if (!DISCOUNT_WORDS.test(around) || Math.abs(value - subject.price.discountPercent) < 0.01) continue;
    blocking(
      `The body offers a ${value} % discount the price does not contain (${subject.price.discountPercent} %${value > agency.pricing.maxDiscountPercent ? `; the agency grants at most ${agency.pricing.maxDiscountPercent} %` : ''}).`,
      'Remove the discount from the text; only the discount in the price may be stated.',
    );
  }
  const guarantee = GUARANTEE_WORDS.exec(text);
  if (guarantee) blocking(`The body gives a guarantee ("${guarantee[0]}") the agency did not make.`, 'Remove the guarantee.');
  for (const match of text.matchAll(FREE_WORDS)) {
    if (match[0] === 'free' && (/feel $/.test(text.slice(Math.max(0, match.index - 5), match.index)) || /^free (to|of)\b/.test(text.slice(match.index, match.index + 8)))) continue;
    blocking(`The body offers something for free ("${match[0]}").`, 'Remove it: everything in the proposal is priced.');
    break;
  }
  const allowedWeeks = new Set([planWeeks(subject.workPackages), ...(subject.timeline?.weeks ? [subject.timeline.weeks] : [])]);
  const plan = planWeeks(subject.workPackages);
  for (const match of text.matchAll(DURATION)) {
    const amount = Number(match[1]);
    const weeks = /^(mon|mois|mes)/.test(match[2]!) ? amount * 4.33 : amount;
    if (allowedWeeks.has(amount) || weeks >= plan) continue;
    blocking(`The body commits to "${match[0]}", shorter than the plan (about ${plan} weeks).`, `State the plan's timeline of about ${plan} weeks.`);
  }
  for (const match of text.matchAll(MONTH_DEADLINE)) {
    if (subject.timeline?.month === MONTHS[match[1]!]) continue;
    blocking(`The body commits to a deadline ("${match[0]}") that is not in the plan.`, 'Remove the deadline or agree it first.');
  }
  const revealing = REVEALING_WORDS.exec(text);
  if (revealing) blocking(`The body talks about its instructions ("${revealing[0]}").`, 'Remove everything about instructions, prompts or the model.');
  return observation('promiseCheck', findings, 'no discount, guarantee, free offer, deadline or instruction beyond the inputs.');
}

/** Runs a tool by name. */
export function runReviewTool(tool: ReviewTool, subject: ReviewSubject, agency: AgencyConfig): ToolObservation {
  switch (tool) {
    case 'requirementCoverage':
      return requirementCoverage(subject);
    case 'priceCheck':
      return priceCheck(subject, agency);
    case 'languageCheck':
      return languageCheck(subject);
    case 'promiseCheck':
      return promiseCheck(subject, agency);
  }
}

/**
 * The score the tools allow: 100, less 30 a blocking and 5 a minor finding; any blocking finding
 * keeps it below the threshold, whatever else is said.
 */
export function scoreFindings(findings: readonly ReviewFinding[], threshold: number, proposed = 100): number {
  const blocking = findings.filter((finding) => finding.severity === 'blocking').length;
  const minor = findings.length - blocking;
  const ceiling = Math.max(0, 100 - 30 * blocking - 5 * minor);
  const score = Math.round(Math.max(0, Math.min(proposed, ceiling)));
  return blocking > 0 ? Math.min(score, Math.max(0, Math.ceil(threshold) - 1)) : score;
}
