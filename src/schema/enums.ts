import { registerEnumType } from 'type-graphql';
import { DecisionChannel, DecisionKind, OutboundChannel, OutboundStatus, Language, LeadSource, LeadStatus, PricingModel, Priority, ProposalOutcome, ProposalStatus, Role } from '../entities/enums.js';

registerEnumType(LeadStatus, { name: 'LeadStatus' });
registerEnumType(ProposalStatus, {
  name: 'ProposalStatus',
  valuesConfig: {
    SUPERSEDED: { description: 'Replaced by a newer revision before a decision.' },
    APPROVAL_EXPIRED: { description: 'Nobody decided in time.' },
    EXPIRED: { description: 'Sent, and past valid_until without an outcome.' },
  },
});
registerEnumType(ProposalOutcome, { name: 'ProposalOutcome' });
registerEnumType(Priority, { name: 'Priority' });
registerEnumType(LeadSource, { name: 'LeadSource' });
registerEnumType(Role, {
  name: 'Role',
  valuesConfig: {
    VIEWER: { description: 'Reads every query and subscribes.' },
    INTEGRATION: { description: 'Viewer, and submits leads, records outcomes and replies.' },
    APPROVER: { description: 'Viewer, and decides, edits, requalifies, regenerates and retries.' },
    ADMIN: { description: 'Everything: keys, prompt versions, webhooks, erasure, export.' },
  },
});
registerEnumType(Language, { name: 'Language' });
registerEnumType(PricingModel, { name: 'PricingModel' });
registerEnumType(DecisionKind, { name: 'DecisionKind' });
registerEnumType(DecisionChannel, { name: 'DecisionChannel' });
registerEnumType(OutboundStatus, {
  name: 'OutboundStatus',
  valuesConfig: { AWAITING_APPROVAL: { description: 'Waits for a person to approve it (follow-ups).' } },
});
registerEnumType(OutboundChannel, { name: 'OutboundChannel' });
