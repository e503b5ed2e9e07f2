import type { PriceProposal } from '../../agents/price-proposal.agent.js';
import { agencyLanguage } from '../../agents/agent-support.js';
import { PricingModel } from '../../entities/enums.js';
import type { LineItem } from '../../entities/proposal.entity.js';

const ADJUSTMENTS = {
  de: { discount: (percent: number) => `Rabatt ${percent} %`, minimum: 'Anpassung an die Mindestprojektgröße', maximum: 'Begrenzung auf das Höchstvolumen' },
  en: { discount: (percent: number) => `Discount ${percent}%`, minimum: 'Adjustment to the minimum project size', maximum: 'Cap at the maximum project volume' },
  fr: { discount: (percent: number) => `Remise de ${percent} %`, minimum: 'Ajustement à la taille minimale de projet', maximum: 'Plafonnement au volume maximal' },
  es: { discount: (percent: number) => `Descuento del ${percent} %`, minimum: 'Ajuste al tamaño mínimo de proyecto', maximum: 'Límite al volumen máximo' },
} as const;

const round = (amount: number) => Math.round(amount * 100) / 100;

/**
 * The proposal's line items from the price: one per role (days × rate), then the adjustments that
 * take the subtotal to the total (a discount, the minimum project size, the maximum), so the items
 * always add up to the total a person approves.
 */
export function proposalLineItems(price: PriceProposal, language: string): LineItem[] {
  const text = ADJUSTMENTS[agencyLanguage(language)];
  const items: LineItem[] = price.lineItems.map((line) => ({ description: line.title, days: line.days, rate: line.dayRate, amount: round(line.amount) }));
  let running = items.reduce((sum, item) => sum + item.amount, 0);
  if (price.discountPercent > 0) {
    const discount = round(-running * (price.discountPercent / 100));
    items.push({ description: text.discount(price.discountPercent), days: null, rate: null, amount: discount });
    running += discount;
  }
  const gap = round(price.total - running);
  if (Math.abs(gap) >= 0.01) items.push({ description: gap > 0 ? text.minimum : text.maximum, days: null, rate: null, amount: gap });
  return items;
}

/** A revision's priced columns from the pricing agent's (or the reviser's) price. */
export function priceColumns(price: PriceProposal, language: string): { lineItems: LineItem[]; total: number; pricingModel: PricingModel } {
  return {
    lineItems: proposalLineItems(price, language),
    total: price.total,
    pricingModel: price.pricingModel === 'fixed_price' ? PricingModel.FIXED_PRICE : PricingModel.TIME_AND_MATERIALS,
  };
}
