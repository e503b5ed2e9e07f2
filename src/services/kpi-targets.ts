/**
 * The success metrics of the customer's plan (seed/phase-3-plan.de.md, "Success Metrics"), so the
 * dashboard and the digest compare against the same numbers.
 */
export const KPI_TARGETS = {
  /** Lead response time: under 2 minutes. */
  responseSeconds: 120,
  /** Proposal generation: under 1 hour. */
  proposalGenerationSeconds: 3600,
  /** Lead-to-proposal conversion: over 60 %. */
  leadToProposalRate: 0.6,
  /** Proposal-to-contract conversion: over 25 %. */
  proposalToContractRate: 0.25,
  /** Average deal size: 30,000 EUR or more. */
  averageDealSize: 30_000,
  /** API error rate: under 1 %. */
  apiErrorRate: 0.01,
} as const;
