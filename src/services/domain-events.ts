/**
 * What the services announce after a change has committed; the live layer (subscriptions over
 * LISTEN/NOTIFY) implements it. Called only after the transaction commits, so a subscriber that
 * loads the row sees the change.
 */
export interface DomainEvents {
  leadChanged(leadId: string): Promise<void>;
  proposalChanged(proposalId: string, status: string): Promise<void>;
}

export const noDomainEvents: DomainEvents = {
  leadChanged: async () => {},
  proposalChanged: async () => {},
};
