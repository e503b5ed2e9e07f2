import { Field, Float, InputType } from 'type-graphql';
import { Language, LeadSource, LeadStatus, Priority } from '../entities/enums.js';
import { LEAD_LIMITS, LEAD_SEARCH_MAX, leadFilterSchema, submitLeadSchema } from '../services/lead.service.js';
import { ValidatedBy } from './validated-input.js';

@ValidatedBy(submitLeadSchema.omit({ source: true }))
@InputType({ description: 'A new inbound lead. Text fields are trimmed; limits are in each description.' })
export class SubmitLeadInput {
  @Field(() => String, { description: `1 to ${LEAD_LIMITS.name} characters.` })
  name!: string;

  @Field(() => String, { description: `An e-mail address, at most ${LEAD_LIMITS.email} characters.` })
  email!: string;

  @Field(() => String, { nullable: true, description: `At most ${LEAD_LIMITS.company} characters.` })
  company?: string | null;

  @Field(() => String, { nullable: true, description: `At most ${LEAD_LIMITS.website} characters.` })
  website?: string | null;

  @Field(() => String, { nullable: true, description: `At most ${LEAD_LIMITS.phone} characters.` })
  phone?: string | null;

  @Field(() => String, { description: `What the lead needs, 1 to ${LEAD_LIMITS.message} characters. Treated as untrusted text.` })
  message!: string;

  @Field(() => Float, { nullable: true, description: 'Budget in EUR, 0 or more.' })
  budget?: number | null;

  @Field(() => String, { nullable: true, description: `At most ${LEAD_LIMITS.timeline} characters.` })
  timeline?: string | null;

  @Field(() => Language, { nullable: true, description: 'Defaults to the language the message is written in.' })
  language?: Language | null;

  @Field(() => String, {
    nullable: true,
    description: `At most ${LEAD_LIMITS.idempotencyKey} characters. The same key with the same input returns the same lead; with other input it is a CONFLICT.`,
  })
  idempotencyKey?: string | null;
}

@ValidatedBy(leadFilterSchema)
@InputType({ description: 'Narrows a list of leads; every field given must match.' })
export class LeadFilterInput {
  @Field(() => LeadStatus, { nullable: true })
  status?: LeadStatus | null;

  @Field(() => Priority, { nullable: true })
  priority?: Priority | null;

  @Field(() => LeadSource, { nullable: true })
  source?: LeadSource | null;

  @Field(() => String, { nullable: true, description: `Text found in the name, company or e-mail (case-insensitive, taken literally), at most ${LEAD_SEARCH_MAX} characters.` })
  search?: string | null;

  @Field(() => Date, { nullable: true, description: 'Created at or after this instant.' })
  createdFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Created before this instant.' })
  createdTo?: Date | null;
}
