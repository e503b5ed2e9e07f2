import type { EntityManager } from 'typeorm';

/**
 * The port through which services announce changes. Given the transaction that makes the change
 * (`within`), the event is sent by it: delivered when it commits, never when it rolls back, and
 * not lost if the process dies right after the commit. Without it, the event goes out at once
 * (for a change already committed). Implementations publish ids only (subscribers load the
 * current row), which keeps events small and never stale.
 */
export interface DomainEvents {
  leadChanged(leadId: string, within?: EntityManager): Promise<void>;
  proposalChanged(proposalId: string, status: string, within?: EntityManager): Promise<void>;
}

/** For processes and tests that have nobody to tell. */
export const noDomainEvents: DomainEvents = {
  leadChanged: async () => undefined,
  proposalChanged: async () => undefined,
};
