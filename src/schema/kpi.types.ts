import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The targets of the customer plan (Success Metrics), for comparison.' })
export class KpiTargets {
  @Field(() => Float, { description: 'Lead response time: under this many seconds (120: 2 minutes).' })
  responseSeconds!: number;

  @Field(() => Float, { description: 'Proposal generation time: under this many seconds (3600: 1 hour).' })
  proposalGenerationSeconds!: number;

  @Field(() => Float, { description: 'Lead-to-proposal conversion: above this share (0.6).' })
  leadToProposalRate!: number;

  @Field(() => Float, { description: 'Proposal-to-contract conversion: above this share (0.25).' })
  proposalToContractRate!: number;

  @Field(() => Float, { description: 'Average deal size: at least this much, in EUR (30,000).' })
  averageDealSize!: number;

  @Field(() => Float, { description: 'API error rate: below this share (0.01).' })
  apiErrorRate!: number;
}

@ObjectType({
  description:
    'Lead response time: from capture (leads.created_at) to the first reply (leads.first_response_at: when the mail server accepted it, or without SMTP_URL when it was written to the outbox), over the leads captured in the period that are not SPAM.',
})
export class ResponseTimeKpis {
  @Field(() => Int, { description: 'Leads captured in the period, SPAM excluded.' })
  leads!: number;

  @Field(() => Int, { description: 'Of those, the leads that have had their first reply: the sample of the median and p95.' })
  count!: number;

  @Field(() => Float, { nullable: true, description: 'Median seconds from capture to first reply; null without replies.' })
  medianSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: '95th percentile of the seconds from capture to first reply; null without replies.' })
  p95Seconds!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Share (0 to 1) answered within 2 minutes, of the leads answered or captured more than 2 minutes ago (a lead still waiting counts against it); null without any.',
  })
  withinTargetRate!: number | null;

  @Field(() => Boolean, { description: 'Whether an e-mail transport (SMTP_URL) is configured; when false the reply time is the time it was written to the outbox, not sent.' })
  mailTransportConfigured!: boolean;
}

@ObjectType({
  description:
    "Proposal generation time: from capture to the first of the lead's proposals reaching PENDING_APPROVAL, over the leads captured in the period that were neither SPAM nor DISQUALIFIED.",
})
export class ProposalGenerationKpis {
  @Field(() => Int, { description: 'Leads captured in the period, SPAM and DISQUALIFIED excluded.' })
  leads!: number;

  @Field(() => Int, { description: 'Of those, the leads with a proposal that reached PENDING_APPROVAL: the sample of the figures below.' })
  count!: number;

  @Field(() => Float, { nullable: true, description: 'Median seconds from capture to the first PENDING_APPROVAL; null without any.' })
  medianSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: '95th percentile of those seconds; null without any.' })
  p95Seconds!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share (0 to 1) of those proposals pending within 1 hour of capture; null without any.' })
  withinTargetRate!: number | null;
}

@ObjectType({ description: "One approver's latency: decisions they made in the period." })
export class ApproverLatencyKpis {
  @Field(() => String, { description: 'Who decided, as recorded: slack:<user>, api-key:<name>, dashboard:<key name>.' })
  approver!: string;

  @Field(() => Int, { description: 'Decisions in the period: the sample.' })
  count!: number;

  @Field(() => Float, { nullable: true, description: 'Median seconds from PENDING_APPROVAL to the decision.' })
  medianSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: '95th percentile of those seconds.' })
  p95Seconds!: number | null;
}

@ObjectType({ description: 'Approval latency: from a proposal revision reaching PENDING_APPROVAL to its approval or rejection, over the decisions made in the period.' })
export class ApprovalLatencyKpis {
  @Field(() => Int, { description: 'Decisions on proposals in the period: the sample.' })
  count!: number;

  @Field(() => Float, { nullable: true, description: 'Median seconds from PENDING_APPROVAL to the decision; null without decisions.' })
  medianSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: '95th percentile of those seconds; null without decisions.' })
  p95Seconds!: number | null;

  @Field(() => [ApproverLatencyKpis], { description: 'The same per approver, most decisions first.' })
  byApprover!: ApproverLatencyKpis[];
}

@ObjectType({ description: 'Time spent in one stage (status) of leads or proposals, over the stays that began in the period (from the recorded status changes, summed per day).' })
export class StageTimeKpis {
  @Field(() => String, { description: 'LEAD or PROPOSAL.' })
  subject!: string;

  @Field(() => String, { description: 'The status, lower snake as stored (e.g. in_progress, pending_approval).' })
  stage!: string;

  @Field(() => Int, { description: 'Stays that began in the period and have ended: the sample of averageSeconds.' })
  completed!: number;

  @Field(() => Int, { description: 'Stays that began in the period and still last.' })
  current!: number;

  @Field(() => Float, { nullable: true, description: 'Average seconds of the completed stays; null without any.' })
  averageSeconds!: number | null;
}

@ObjectType({ description: 'Conversion and money. Conversions follow the leads captured in the period (SPAM excluded); deals are the proposals ACCEPTED in the period.' })
export class ConversionKpis {
  @Field(() => Int, { description: 'Leads captured in the period, SPAM excluded.' })
  leads!: number;

  @Field(() => Int, { description: 'Of those, leads with a proposal that reached PENDING_APPROVAL.' })
  leadsWithProposal!: number;

  @Field(() => Float, { nullable: true, description: 'Lead-to-proposal conversion: leadsWithProposal / leads (0 to 1); null without leads.' })
  leadToProposalRate!: number | null;

  @Field(() => Int, { description: 'Of those leads, the ones whose proposal was SENT to the customer.' })
  leadsWithSentProposal!: number;

  @Field(() => Int, { description: 'Of the leads with a sent proposal, the ones WON (the customer accepted).' })
  leadsWon!: number;

  @Field(() => Float, { nullable: true, description: 'Proposal-to-contract conversion: leadsWon / leadsWithSentProposal (0 to 1); null without sent proposals.' })
  proposalToContractRate!: number | null;

  @Field(() => Int, { description: 'Proposals ACCEPTED in the period.' })
  deals!: number;

  @Field(() => Float, { description: 'Sum of the totals of the proposals accepted in the period (proposal currency, EUR by default).' })
  totalDealSize!: number;

  @Field(() => Float, { nullable: true, description: 'Average total of the proposals accepted in the period; null without deals.' })
  averageDealSize!: number | null;

  @Field(() => Float, { description: 'Pipeline value now (not bound to the period): sum of the totals of the proposals PENDING_APPROVAL or SENT.' })
  pipelineValue!: number;
}

@ObjectType({ description: "One LLM provider's record over the agent runs of the period." })
export class ProviderKpis {
  @Field(() => String, { description: 'openai, gemini or offline.' })
  provider!: string;

  @Field(() => Int, { description: 'Calls to this provider (every attempt, retries included): the sample of successRate.' })
  attempts!: number;

  @Field(() => Float, { nullable: true, description: 'Share (0 to 1) of those attempts that answered.' })
  successRate!: number | null;

  @Field(() => Int, { description: 'Agent runs that tried this provider first: the sample of fallbackRate.' })
  firstChoiceRuns!: number;

  @Field(() => Float, { nullable: true, description: 'Share (0 to 1) of the runs tried here first that another provider answered (the fallback chain); null without such runs.' })
  fallbackRate!: number | null;
}

@ObjectType({ description: 'Errors and cost over the period.' })
export class ReliabilityKpis {
  @Field(() => Int, { description: 'GraphQL operations over HTTP in the period (counted per minute by every API process).' })
  graphqlOperations!: number;

  @Field(() => Int, { description: 'Of those, the ones answered with an error (any error in the response).' })
  failedGraphqlOperations!: number;

  @Field(() => Int, { description: 'Agent runs (LLM calls through the model layer) in the period.' })
  agentRuns!: number;

  @Field(() => Int, { description: 'Of those, the runs no provider answered.' })
  failedAgentRuns!: number;

  @Field(() => Float, { nullable: true, description: 'API error rate: (failed operations + failed agent runs) / (operations + agent runs), 0 to 1; null when there were none.' })
  apiErrorRate!: number | null;

  @Field(() => Float, { description: 'Estimated LLM cost of the agent runs in the period, USD.' })
  llmCost!: number;

  @Field(() => [ProviderKpis], { description: 'Success and fallback rates per provider.' })
  providers!: ProviderKpis[];
}

@ObjectType({ description: 'How the proposals written in the period fared, for one prompt version or model; judge an experiment by the sample sizes as much as the rates.' })
export class ExperimentKpis {
  @Field(() => String, { description: 'The prompt version (e.g. proposal-writer/v2; (none) for the built-in prompt or a human edit) or the model (provider/model of the last writer or reviser run before the revision).' })
  name!: string;

  @Field(() => Int, { description: 'Proposal revisions written in the period.' })
  proposals!: number;

  @Field(() => Int, { description: 'Of those, the ones a person decided on: the sample of approvalRate.' })
  decided!: number;

  @Field(() => Float, { nullable: true, description: 'Approval rate: approved / decided.' })
  approvalRate!: number | null;

  @Field(() => Int, { description: "Revisions that received their lead's first decision (the earliest decision on any of the lead's revisions, also one written before the period): the sample of firstTimeApprovalRate." })
  firstDecisions!: number;

  @Field(() => Float, { nullable: true, description: "First-time approval rate: share of the leads' first decisions that were approvals." })
  firstTimeApprovalRate!: number | null;

  @Field(() => Int, { description: 'Revisions with an outcome (ACCEPTED, DECLINED or EXPIRED): the sample of winRate.' })
  outcomes!: number;

  @Field(() => Float, { nullable: true, description: 'Win rate: accepted / outcomes.' })
  winRate!: number | null;
}

@ObjectType({ description: 'One day (UTC) of the period, for charts.' })
export class KpiDay {
  @Field(() => Date, { description: 'Start of the day, UTC.' })
  day!: Date;

  @Field(() => Int, { description: 'Leads captured that day, SPAM excluded.' })
  leads!: number;

  @Field(() => Float, { nullable: true, description: "Median seconds from capture to first reply of that day's leads." })
  responseMedianSeconds!: number | null;

  @Field(() => Int, { description: "Of that day's leads, the ones with a proposal that reached PENDING_APPROVAL." })
  leadsWithProposal!: number;

  @Field(() => Float, { nullable: true, description: "Lead-to-proposal conversion of that day's leads." })
  leadToProposalRate!: number | null;

  @Field(() => Int, { description: 'Proposals sent that day.' })
  proposalsSent!: number;

  @Field(() => Int, { description: 'Proposals accepted that day.' })
  deals!: number;
}

@ObjectType({ description: 'The agency’s numbers over [from, to). Each field is computed in SQL only when asked for.' })
export class Kpis {
  @Field(() => Date, { description: 'Start of the period (inclusive).' })
  from!: Date;

  @Field(() => Date, { description: 'End of the period (exclusive).' })
  to!: Date;
}
