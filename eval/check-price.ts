import type { AgencyConfig } from '../src/agents/agency-config.js';
import type { ProposalResult, SolutionDesignResult } from './lead-result.js';

/**
 * Whether a proposal's price is sane: built from the agency's rate card, arithmetically right,
 * within the agency's bounds, not below what its own design costs, and not absurd against the
 * budget the lead stated. Pure; every broken rule is named, so a failure line says which.
 */

/** Money is compared to the unit: rounding of amounts and totals to whole euros is fine. */
const MONEY_TOLERANCE = 1;
/** The total may not fall below this share of the cost the design's work packages imply. */
export const MINIMUM_SHARE_OF_DESIGN_COST = 0.85;
/** Against a stated budget (at least the minimum project size): at most this many times it. */
export const MAXIMUM_BUDGET_MULTIPLE = 3;

export interface PriceCheck {
  readonly sane: boolean;
  readonly problems: readonly string[];
  /** The reduction from the sum of the positive line items that is a discount (not the pricing cap), in %. */
  readonly discountPercent: number;
  /** Work packages × rate card, when the design's work packages could be read. */
  readonly designCost: number | null;
}

export function priceFloor(agency: AgencyConfig): number {
  return Math.max(agency.pricing.minTotal, agency.minimumProjectSize);
}

/**
 * The cost the design implies: expected person-days of each work package × its role's day rate.
 * Work packages are JSON; those the estimator writes carry `roleId` and `expected` (`days` is
 * accepted too). Null when none can be read, which the check reports rather than skips.
 */
export function designCost(design: SolutionDesignResult | undefined, agency: AgencyConfig): number | null {
  if (!design || !Array.isArray(design.workPackages) || design.workPackages.length === 0) return null;
  let cost = 0;
  for (const item of design.workPackages as unknown[]) {
    if (!item || typeof item !== 'object') return null;
    const record = item as Record<string, unknown>;
    const days = typeof record['expected'] === 'number' ? record['expected'] : typeof record['days'] === 'number' ? record['days'] : undefined;
    const rate = agency.rateCard.find((role) => role.id === record['roleId'])?.dayRate;
    if (days === undefined || rate === undefined) return null;
    cost += days * rate;
  }
  return cost;
}

const money = (amount: number) => String(Math.round(amount * 100) / 100);

export function checkPrice(
  proposal: ProposalResult,
  design: SolutionDesignResult | undefined,
  budget: number | undefined,
  agency: AgencyConfig,
): PriceCheck {
  const problems: string[] = [];
  const rates = new Set(agency.rateCard.map((role) => role.dayRate));
  const floor = priceFloor(agency);
  const { maxTotal, maxDiscountPercent } = agency.pricing;

  if (proposal.currency !== agency.currency) problems.push(`currency ${proposal.currency}, not ${agency.currency}`);
  if (proposal.lineItems.length === 0) problems.push('no line items');

  const atFloor = Math.abs(proposal.total - floor) <= MONEY_TOLERANCE;
  for (const [index, line] of proposal.lineItems.entries()) {
    const label = `line ${index + 1} "${line.description.slice(0, 40)}"`;
    // A line without days and rate is an adjustment: a negative one a discount (judged below), a
    // positive one only as the step that raises a small total to the agency's minimum.
    if (line.rate === null && line.days === null && (line.amount <= 0 || atFloor)) continue;
    if (line.rate === null || !rates.has(line.rate)) {
      problems.push(`${label}: rate ${line.rate ?? 'missing'} is not a day rate of the rate card`);
      continue;
    }
    if (line.days === null) {
      problems.push(`${label}: no days`);
      continue;
    }
    if (Math.abs(line.amount - line.days * line.rate) > MONEY_TOLERANCE) {
      problems.push(`${label}: amount ${money(line.amount)} ≠ ${line.days} days × ${line.rate}`);
    }
  }

  const sum = proposal.lineItems.reduce((total, line) => total + line.amount, 0);
  const gross = proposal.lineItems.reduce((total, line) => total + Math.max(0, line.amount), 0);
  const total = proposal.total;
  // The agency raises a small total to its floor and caps a large one at its maximum: neither is a discount.
  const raisedToFloor = Math.abs(total - floor) <= MONEY_TOLERANCE && sum * (1 - maxDiscountPercent / 100) < floor + MONEY_TOLERANCE;
  const cappedAtMaximum = Math.abs(total - maxTotal) <= MONEY_TOLERANCE && gross > maxTotal;
  const discountPercent = !cappedAtMaximum && gross > 0 && total < gross ? ((gross - total) / gross) * 100 : 0;

  if (!raisedToFloor && !cappedAtMaximum) {
    if (total > sum + MONEY_TOLERANCE) problems.push(`total ${money(total)} exceeds the sum of the line items ${money(sum)}`);
    if (discountPercent > maxDiscountPercent + 0.01) {
      problems.push(`total ${money(total)} is ${discountPercent.toFixed(1)} % below the line items ${money(gross)}: above the maximum discount of ${maxDiscountPercent} %`);
    }
  }
  if (total < floor - MONEY_TOLERANCE || total > maxTotal + MONEY_TOLERANCE) {
    problems.push(`total ${money(total)} is outside [${money(floor)}, ${money(maxTotal)}]`);
  }

  const cost = designCost(design, agency);
  if (cost === null) {
    problems.push(design ? "the design's work packages cannot be read (roleId and expected days)" : 'no solution design to check the total against');
  } else {
    // The total can never exceed the maximum, so a design costing more is compared with the maximum.
    const reference = Math.min(cost, maxTotal);
    if (total < MINIMUM_SHARE_OF_DESIGN_COST * reference - MONEY_TOLERANCE) {
      problems.push(`total ${money(total)} is below ${MINIMUM_SHARE_OF_DESIGN_COST * 100} % of the design's cost ${money(reference)}`);
    }
  }

  if (budget !== undefined && budget >= agency.minimumProjectSize && total > MAXIMUM_BUDGET_MULTIPLE * budget + MONEY_TOLERANCE) {
    problems.push(`total ${money(total)} is more than ${MAXIMUM_BUDGET_MULTIPLE}× the stated budget ${money(budget)}`);
  }

  return { sane: problems.length === 0, problems, discountPercent, designCost: cost };
}
