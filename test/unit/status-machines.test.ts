import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeadStatus, ProposalOutcome, ProposalStatus } from '../../src/entities/enums.js';
import { LEAD_TRANSITIONS, leadStatusForOutcome } from '../../src/services/lead-status.js';
import { EDITABLE_PROPOSAL_STATUSES, PROPOSAL_TRANSITIONS, statusForOutcome } from '../../src/services/proposal-status.js';
import { sourcesOf } from '../../src/services/status-machine.js';

describe('status machines', () => {
  it('lets a decision start only from PENDING_APPROVAL', () => {
    assert.deepEqual(sourcesOf(PROPOSAL_TRANSITIONS, ProposalStatus.APPROVED), [ProposalStatus.PENDING_APPROVAL]);
    assert.deepEqual(sourcesOf(PROPOSAL_TRANSITIONS, ProposalStatus.REJECTED), [ProposalStatus.PENDING_APPROVAL]);
  });

  it('lets an outcome start only from SENT, and wins or loses the lead with it', () => {
    for (const outcome of Object.values(ProposalOutcome)) {
      assert.deepEqual(sourcesOf(PROPOSAL_TRANSITIONS, statusForOutcome(outcome)), [ProposalStatus.SENT]);
      assert.deepEqual(sourcesOf(LEAD_TRANSITIONS, leadStatusForOutcome(outcome)).includes(LeadStatus.SENT), true);
    }
    assert.equal(leadStatusForOutcome(ProposalOutcome.ACCEPTED), LeadStatus.WON);
    assert.equal(leadStatusForOutcome(ProposalOutcome.DECLINED), LeadStatus.LOST);
  });

  it('keeps a proposal never leaving the building without approval: SENT is reached only from APPROVED', () => {
    assert.deepEqual(sourcesOf(PROPOSAL_TRANSITIONS, ProposalStatus.SENT), [ProposalStatus.APPROVED]);
  });

  it('edits only revisions that may be superseded', () => {
    for (const status of EDITABLE_PROPOSAL_STATUSES) assert.ok(PROPOSAL_TRANSITIONS[status].includes(ProposalStatus.SUPERSEDED), status);
  });

  it('ends in terminal statuses with no way out', () => {
    for (const status of [ProposalStatus.SUPERSEDED, ProposalStatus.ACCEPTED, ProposalStatus.DECLINED, ProposalStatus.EXPIRED]) assert.deepEqual(PROPOSAL_TRANSITIONS[status], []);
    for (const status of [LeadStatus.WON, LeadStatus.LOST]) assert.deepEqual(LEAD_TRANSITIONS[status], []);
  });
});
