/**
 * The port through which services announce committed changes. Services call it after the
 * transaction commits, so listeners never see a change that was rolled back. Implementations
 * publish ids only (subscribers load the current row), which keeps events small and never stale.
 */
export interface DomainEvents {
  leadChanged(leadId: string): Promise<void>;
  proposalChanged(proposalId: string, status: string): Promise<void>;
}

/** For processes and tests that have nobody to tell. */
export const noDomainEvents: DomainEvents = {
  leadChanged: async () => undefined,
  proposalChanged: async () => undefined,
};
