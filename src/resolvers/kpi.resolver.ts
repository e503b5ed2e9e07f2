import { Arg, Authorized, Ctx, FieldResolver, Query, Resolver, Root, Subscription } from 'type-graphql';
import {
  ApprovalLatencyKpis,
  ConversionKpis,
  ExperimentKpis,
  KpiDay,
  KpiTargets,
  Kpis,
  ProposalGenerationKpis,
  ReliabilityKpis,
  ResponseTimeKpis,
  StageTimeKpis,
} from '../schema/kpi.types.js';
import type { GraphQLContext } from './context.js';

const FROM = { nullable: true, description: 'Start of the period (inclusive); 30 days before `to` when omitted.' } as const;
const TO = { nullable: true, description: 'End of the period (exclusive); now when omitted.' } as const;

/** The KPIs: a Kpis object carries the period; each group is its own field resolver, so an unasked group runs no SQL. */
@Resolver(() => Kpis)
export class KpiResolver {
  @Authorized()
  @Query(() => Kpis, { description: 'The agency’s numbers over [from, to), by default the last 30 days. Viewer or above.' })
  kpis(@Ctx() { services }: GraphQLContext, @Arg('from', () => Date, FROM) from?: Date | null, @Arg('to', () => Date, TO) to?: Date | null): Kpis {
    return services.kpis.period(from, to);
  }

  @Authorized()
  @Subscription(() => Kpis, {
    description: 'Fresh figures whenever leads or proposals change, at most one event per second; the period slides with the time of each event when `to` is omitted.',
    subscribe: ({ context }) => (context as GraphQLContext).live.kpiUpdates(),
  })
  kpisUpdated(
    @Root() at: Date,
    @Ctx() { services }: GraphQLContext,
    @Arg('from', () => Date, FROM) from?: Date | null,
    @Arg('to', () => Date, TO) to?: Date | null,
  ): Kpis {
    return services.kpis.period(from, to ?? at);
  }

  @FieldResolver(() => KpiTargets, { description: 'The targets of the customer plan, to compare against.' })
  targets(@Ctx() { services }: GraphQLContext): KpiTargets {
    return { ...services.kpis.targets };
  }

  @FieldResolver(() => ResponseTimeKpis, { description: 'Lead response time: capture → first reply.' })
  responseTime(@Root() period: Kpis, @Ctx() { services }: GraphQLContext) {
    return services.kpis.responseTime(period);
  }

  @FieldResolver(() => ProposalGenerationKpis, { description: 'Proposal generation time: capture → first PENDING_APPROVAL.' })
  proposalGeneration(@Root() period: Kpis, @Ctx() { services }: GraphQLContext) {
    return services.kpis.proposalGeneration(period);
  }

  @FieldResolver(() => ApprovalLatencyKpis, { description: 'Approval latency: PENDING_APPROVAL → decision, overall and per approver.' })
  approvalLatency(@Root() period: Kpis, @Ctx() { services }: GraphQLContext) {
    return services.kpis.approvalLatency(period);
  }

  @FieldResolver(() => [StageTimeKpis], { description: 'Time spent in each lead and proposal stage.' })
  stageTimes(@Root() period: Kpis, @Ctx() { services }: GraphQLContext) {
    return services.kpis.stageTimes(period);
  }

  @FieldResolver(() => ConversionKpis, { description: 'Lead-to-proposal and proposal-to-contract conversion, deal sizes, pipeline value.' })
  conversion(@Root() period: Kpis, @Ctx() { services }: GraphQLContext) {
    return services.kpis.conversion(period);
  }

  @FieldResolver(() => ReliabilityKpis, { description: 'API error rate, LLM cost, provider success and fallback rates.' })
  reliability(@Root() period: Kpis, @Ctx() { services }: GraphQLContext) {
    return services.kpis.reliability(period);
  }

  @FieldResolver(() => [ExperimentKpis], { description: 'Per prompt version of the proposal writer: approval, first-time approval and win rates with their samples.' })
  byPromptVersion(@Root() period: Kpis, @Ctx() { services }: GraphQLContext) {
    return services.kpis.experiments(period, 'promptVersion');
  }

  @FieldResolver(() => [ExperimentKpis], { description: 'The same per model that wrote the revision.' })
  byModel(@Root() period: Kpis, @Ctx() { services }: GraphQLContext) {
    return services.kpis.experiments(period, 'model');
  }

  @FieldResolver(() => [KpiDay], { description: 'Day by day (UTC) over the period, for charts: volume, response time, conversion.' })
  daily(@Root() period: Kpis, @Ctx() { services }: GraphQLContext) {
    return services.kpis.daily(period);
  }
}
