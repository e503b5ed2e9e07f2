import { normalizeText } from './keyword-matcher.js';

/** A budget as the lead stated it, in the lead's currency (assumed comparable to the agency's). */
export interface StatedBudget {
  readonly min: number;
  readonly max: number;
  /** The currency named, if any (EUR, USD, GBP, CHF). */
  readonly currency: string | null;
}

const CURRENCY = String.raw`€|eur|euros?|usd|\$|us dollars?|dollars?|£|gbp|chf|francs?`;
const MULTIPLIER = String.raw`k|tsd|tausend|mil|mille|thousand|mio|millions?|millionen|millones|million`;
const NUMBER = String.raw`\d{1,3}(?:[.,' \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?`;
const AMOUNT = new RegExp(
  String.raw`(${CURRENCY})?\s?(${NUMBER})\s?(${MULTIPLIER})?(?![a-z0-9])\s?(${CURRENCY})?`,
  'g',
);
// Money words only: "about 4,000 case files" or "up to 500 users" are counts, not budgets.
const BUDGET_WORDS = /\b(budget|budgets|presupuesto|enveloppe|kosten|kostenrahmen|investition|investment|inversion|cout|coste|costo|preis|price|prix|precio)\b/;
const NO_BUDGET = /\b(keine ahnung|offen|flexibel|unknown|tbd|n\/a|not sure|unsure|flexible|a definir|por definir|sin definir|je ne sais pas|no se)\b/;

/**
 * Reads a stated budget: "15.000 €", "€20,000", "10-20k", "zwischen 10 und 20 Tsd. Euro",
 * "15 000 euros", "30 mil €", "1,5 Mio". From the budget field every amount counts; from the
 * message only amounts marked as money (a currency, a thousands word) or next to a budget word,
 * so that "500 employees" is not a budget. Returns null when nothing reads as one.
 */
export function parseBudget(value: string | number | null | undefined, source: 'field' | 'message' = 'field'): StatedBudget | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? { min: value, max: value, currency: null } : null;
  const text = normalizeText(value);
  if (text === '' || (source === 'field' && NO_BUDGET.test(text) && !/\d/.test(text))) return null;

  const amounts: { value: number; marked: boolean; multiplied: boolean; index: number }[] = [];
  let currency: string | null = null;
  for (const match of text.matchAll(AMOUNT)) {
    const [, before, number, multiplier, after] = match;
    const mark = before ?? after;
    // A bare year ("launch around 2027") is not an amount.
    if (source === 'message' && !mark && !multiplier && /^(19|20)\d{2}$/.test(number!)) continue;
    let amount = parseNumber(number!);
    if (amount === undefined) continue;
    if (multiplier) amount *= /^(mio|million|millionen|millones|millions?)$/.test(multiplier) ? 1_000_000 : 1_000;
    const context = text.slice(Math.max(0, match.index - 30), match.index);
    const marked = Boolean(mark || multiplier) || BUDGET_WORDS.test(context);
    if (mark && !currency) currency = currencyCode(mark);
    amounts.push({ value: amount, marked, multiplied: Boolean(multiplier), index: match.index });
  }
  // "10-20k", "zwischen 10 und 20 Tsd.": the thousands word of the second number counts for the first.
  for (let index = 0; index + 1 < amounts.length; index++) {
    const [first, second] = [amounts[index]!, amounts[index + 1]!];
    if (!first.multiplied && second.multiplied && second.index - first.index < 16 && first.value < 1_000 && first.value * 1_000 <= second.value) {
      amounts[index] = { ...first, value: first.value * (second.value >= 1_000_000 && first.value < 100 ? 1_000_000 : 1_000), marked: true };
    }
  }
  const counted = amounts.filter((amount) => (source === 'field' || amount.marked) && amount.value >= 100);
  if (counted.length === 0) return null;
  const values = counted.map((amount) => amount.value);
  return { min: Math.min(...values), max: Math.max(...values), currency };
}

function parseNumber(text: string): number | undefined {
  const thousands = /^(\d{1,3}(?:[.,' \u00a0\u202f]\d{3})+)(?:[.,](\d{1,2}))?$/.exec(text);
  if (thousands) return Number(thousands[1]!.replace(/[.,' \u00a0\u202f]/g, '')) + (thousands[2] ? Number(`0.${thousands[2]}`) : 0);
  const plain = Number(text.replace(',', '.'));
  return Number.isFinite(plain) ? plain : undefined;
}

function currencyCode(mark: string): string {
  if (/€|eur/.test(mark)) return 'EUR';
  if (/£|gbp/.test(mark)) return 'GBP';
  if (/chf|franc/.test(mark)) return 'CHF';
  return 'USD';
}
