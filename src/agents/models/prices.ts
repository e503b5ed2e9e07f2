import type { ModelAttempt } from './language-model.js';

export interface ModelPrice {
  /** USD per million input (prompt) tokens. */
  readonly inputPerMillion: number;
  /** USD per million output tokens, thinking tokens included. */
  readonly outputPerMillion: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * List prices in USD (what the providers bill in) at the time of writing; `LLM_PRICES` overrides
 * or extends them. Keys match a model name exactly or as its longest prefix, so that dated
 * snapshots such as `gpt-4.1-mini-2025-04-14` find their family.
 */
export const DEFAULT_PRICES: PriceTable = {
  'gpt-5': { inputPerMillion: 1.25, outputPerMillion: 10 },
  'gpt-5-mini': { inputPerMillion: 0.25, outputPerMillion: 2 },
  'gpt-5-nano': { inputPerMillion: 0.05, outputPerMillion: 0.4 },
  'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8 },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 },
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  'o4-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  'gemini-2.5-pro': { inputPerMillion: 1.25, outputPerMillion: 10 },
  'gemini-2.5-flash': { inputPerMillion: 0.3, outputPerMillion: 2.5 },
  'gemini-2.5-flash-lite': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  'gemini-2.0-flash': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
};

export function makePriceTable(overrides: PriceTable = {}): PriceTable {
  return { ...DEFAULT_PRICES, ...overrides };
}

export function findPrice(prices: PriceTable, model: string): ModelPrice | undefined {
  const exact = prices[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const key of Object.keys(prices)) {
    if (model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : prices[best];
}

/**
 * The estimated cost in USD of every attempt of a call: failed answers were billed too. The
 * offline provider is free; a model without a price counts as free and is named in `unpriced`.
 */
export function estimateCost(attempts: readonly ModelAttempt[], prices: PriceTable): { cost: number; unpriced: string[] } {
  let cost = 0;
  const unpriced = new Set<string>();
  for (const attempt of attempts) {
    if (attempt.usage.inputTokens === 0 && attempt.usage.outputTokens === 0) continue;
    const price = findPrice(prices, attempt.model);
    if (!price) {
      unpriced.add(attempt.model);
      continue;
    }
    cost += (attempt.usage.inputTokens * price.inputPerMillion + attempt.usage.outputTokens * price.outputPerMillion) / 1_000_000;
  }
  // numeric(12,6) in the table: keep what it can hold.
  return { cost: Math.round(cost * 1_000_000) / 1_000_000, unpriced: [...unpriced] };
}
