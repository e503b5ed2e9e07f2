/**
 * The events an endpoint may subscribe to. Each is the type of the lead_activities row written in
 * the transaction of the change it names (see the integrations migration's trigger).
 */
export const WEBHOOK_EVENTS = [
  'lead.created',
  'lead.qualified',
  'proposal.pending_approval',
  'proposal.approved',
  'proposal.rejected',
  'proposal.sent',
  'proposal.accepted',
  'proposal.declined',
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export function isWebhookEvent(name: string): name is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(name);
}
