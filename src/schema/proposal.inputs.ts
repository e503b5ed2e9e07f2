import { Field, Float, InputType } from 'type-graphql';
import { DateResolver } from 'graphql-scalars';
import { editProposalSchema, PROPOSAL_LIMITS } from '../services/proposal.service.js';
import { ValidatedBy } from './validated-input.js';

@InputType({ description: 'One priced line of a proposal.' })
export class LineItemInput {
  @Field(() => String, { description: `1 to ${PROPOSAL_LIMITS.lineItemDescription} characters.` })
  description!: string;

  @Field(() => Float, { nullable: true, description: 'Person-days, where the item is effort.' })
  days?: number | null;

  @Field(() => Float, { nullable: true, description: 'Day rate in the proposal currency.' })
  rate?: number | null;

  @Field(() => Float, { description: 'The line total, 0 or more.' })
  amount!: number;
}

@ValidatedBy(editProposalSchema)
@InputType({ description: 'A human edit; the fields given replace those of the revision edited. At least one is required.' })
export class EditProposalInput {
  @Field(() => String, { nullable: true, description: `1 to ${PROPOSAL_LIMITS.title} characters.` })
  title?: string | null;

  @Field(() => String, { nullable: true, description: `Markdown, 1 to ${PROPOSAL_LIMITS.body} characters.` })
  body?: string | null;

  @Field(() => [LineItemInput], { nullable: true, description: `1 to ${PROPOSAL_LIMITS.lineItems} items; the total becomes their sum.` })
  lineItems?: LineItemInput[] | null;

  @Field(() => Float, { nullable: true, description: 'The total, when the line items are not given (or equal to their sum).' })
  total?: number | null;

  @Field(() => DateResolver, { nullable: true, description: 'The last day the offer stands (YYYY-MM-DD).' })
  validUntil?: Date | null;
}
