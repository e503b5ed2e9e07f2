import { loadAgencyConfig } from '../../../src/agents/agency-config.js';
import { leadCaseSchema, type LeadCase } from '../../../eval/lead-case.schema.js';
import type { LeadResult, LeadRun, ProposalResult } from '../../../eval/lead-result.js';

/**
 * Synthetic cases and pipeline results for the harness's specs: made up here, never read from the
 * labelled set, so that the scoring rules are specified independently of it.
 */

/** The shipped agency file: rates 760 (developer) and 880 (project manager), floor 8000, max 250000, discount ≤ 10 %. */
export const agency = loadAgencyConfig();

type CaseOverrides = { id?: string; language?: LeadCase['language']; lead?: Partial<LeadCase['lead']>; labels?: Partial<LeadCase['labels']> };

export function leadCase(overrides: CaseOverrides = {}): LeadCase {
  return leadCaseSchema.parse({
    id: overrides.id ?? 'en-test-shop',
    language: overrides.language ?? 'EN',
    category: overrides.labels?.injection ? 'injection' : 'real-need',
    lead: {
      name: 'Pat Example',
      email: 'pat@shop.example',
      company: 'Example Shop Ltd',
      message: 'We need a new online shop connected to our ERP.',
      budget: 30000,
      ...overrides.lead,
    },
    labels: {
      disposition: 'qualified',
      priority: ['HIGH', 'MEDIUM'],
      requirements: [
        { id: 'online-shop', synonyms: { en: ['online shop', 'e-commerce'], de: ['onlineshop'] } },
        { id: 'erp-integration', synonyms: { en: ['erp', 'inventory system'], de: ['warenwirtschaft'] } },
      ],
      mustNotContain: ['SECRET-PROMPT'],
      injection: false,
      ...overrides.labels,
    },
    notes: 'Synthetic case for the harness specs.',
  });
}

/** A case that must not qualify: no band, no requirements. */
export function notQualifiedCase(disposition: 'disqualified' | 'spam' | 'either', overrides: CaseOverrides = {}): LeadCase {
  return leadCase({
    ...overrides,
    labels: {
      disposition,
      priority: disposition === 'either' ? ['LOW'] : [],
      requirements: disposition === 'either' ? [{ id: 'something', synonyms: { en: ['something'] } }] : [],
      mustNotContain: [],
      ...overrides.labels,
    },
  });
}

export const ENGLISH_BODY =
  'Thank you for your enquiry. We propose to build your new online shop and to connect it with your ERP so that stock and prices are always right. ' +
  'The project starts with a workshop, and we would like to discuss the details with you.';
export const ENGLISH_REPLY = 'Hello Pat, thank you for your message. We are looking at your request and will send you a proposal for your review. Kind regards, the team';
export const GERMAN_BODY =
  'Vielen Dank für Ihre Anfrage. Wir möchten Ihren neuen Onlineshop bauen und ihn an Ihre Warenwirtschaft anbinden, damit die Bestände und Preise immer stimmen. ' +
  'Das Projekt beginnt mit einem Workshop, und wir würden die Details gerne mit Ihnen besprechen.';

/** 20 developer days (15 200) + 3 project management days (2 640) = 17 840, as designed. */
export function proposal(overrides: Partial<ProposalResult> = {}): ProposalResult {
  return {
    revision: 1,
    status: 'PENDING_APPROVAL',
    language: 'EN',
    title: 'Proposal: online shop with ERP connection',
    body: ENGLISH_BODY,
    total: 17840,
    currency: 'EUR',
    pricingModel: 'FIXED_PRICE',
    reviewScore: 82,
    reviewNotes: [],
    promptVersion: 'write-proposal/v1',
    solutionDesignId: 'design-1',
    lineItems: [
      { description: 'Development', days: 20, rate: 760, amount: 15200 },
      { description: 'Project management', days: 3, rate: 880, amount: 2640 },
    ],
    ...overrides,
  };
}

export function qualifiedResult(overrides: Partial<LeadResult> = {}): LeadResult {
  return {
    status: 'AWAITING_APPROVAL',
    fitScore: 80,
    priority: 'HIGH',
    language: 'EN',
    nextAction: 'Review the proposal',
    scoreDetails: {},
    outboundMessages: [{ kind: 'first_reply', subject: 'Your enquiry', payload: { text: ENGLISH_REPLY }, status: 'SENT' }],
    solutionDesigns: [
      {
        id: 'design-1',
        revision: 1,
        summary: 'An online shop with an ERP connection.',
        components: ['ecommerce-shop', 'erp-crm-integration'],
        workPackages: [
          { id: 'WP-1', componentId: 'ecommerce-shop', title: 'Shop', roleId: 'developer', low: 15, expected: 20, high: 25 },
          { id: 'WP-2', componentId: null, title: 'Project management', roleId: 'project-manager', low: 2, expected: 3, high: 4 },
        ],
        alternatives: [],
        confidence: 0.8,
      },
    ],
    proposals: [proposal()],
    ...overrides,
  };
}

export function notQualifiedResult(status: 'DISQUALIFIED' | 'SPAM', overrides: Partial<LeadResult> = {}): LeadResult {
  return {
    status,
    fitScore: 10,
    priority: null,
    language: 'EN',
    nextAction: null,
    scoreDetails: {},
    outboundMessages: status === 'SPAM' ? [] : [{ kind: 'first_reply', subject: 'Your enquiry', payload: { text: ENGLISH_REPLY }, status: 'SENT' }],
    solutionDesigns: [],
    proposals: [],
    ...overrides,
  };
}

export const settled = (result: LeadResult, durationMs = 1500): LeadRun => ({ outcome: 'settled', leadId: 'lead-1', durationMs, result });
