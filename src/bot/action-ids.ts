/** Every action, view and command id the bot answers, in one place. */
export const ACTION = {
  approve: 'proposal_approve',
  reject: 'proposal_reject',
  view: 'proposal_view',
  followUpApprove: 'follow_up_approve',
  followUpReject: 'follow_up_reject',
  followUpView: 'follow_up_view',
} as const;

export const VIEW = {
  rejectFeedback: 'proposal_reject_feedback',
  followUpRejectFeedback: 'follow_up_reject_feedback',
} as const;

/** The feedback input of the reject modals. */
export const FEEDBACK_INPUT = { block: 'feedback_block', action: 'feedback_input' } as const;

export const COMMAND = '/leadpilot';

/** The message metadata type every card carries (how a retry finds a card it may have posted). */
export const CARD_EVENT_TYPE = 'leadpilot_proposal_card';

/** The daily digest's metadata type. */
export const DIGEST_EVENT_TYPE = 'leadpilot_daily_digest';
