/**
 * Domain enums. Keys are the GraphQL names (SCREAMING_SNAKE), values what the database and
 * webhook payloads hold (lower snake), as DESIGN.md fixes them.
 */
export enum LeadStatus {
  NEW = 'new',
  QUALIFYING = 'qualifying',
  DISQUALIFIED = 'disqualified',
  SPAM = 'spam',
  IN_PROGRESS = 'in_progress',
  AWAITING_APPROVAL = 'awaiting_approval',
  SENT = 'sent',
  WON = 'won',
  LOST = 'lost',
  FAILED = 'failed',
}

export enum ProposalStatus {
  DRAFT = 'draft',
  IN_REVIEW = 'in_review',
  PENDING_APPROVAL = 'pending_approval',
  APPROVED = 'approved',
  REJECTED = 'rejected',
  SUPERSEDED = 'superseded',
  APPROVAL_EXPIRED = 'approval_expired',
  SENT = 'sent',
  ACCEPTED = 'accepted',
  DECLINED = 'declined',
  EXPIRED = 'expired',
}

export enum ProposalOutcome {
  ACCEPTED = 'accepted',
  DECLINED = 'declined',
}

export enum Priority {
  HIGH = 'high',
  MEDIUM = 'medium',
  LOW = 'low',
}

export enum LeadSource {
  API = 'api',
  FORM = 'form',
  WEBHOOK = 'webhook',
  HUBSPOT = 'hubspot',
  IMPORT = 'import',
}

export enum Role {
  VIEWER = 'viewer',
  INTEGRATION = 'integration',
  APPROVER = 'approver',
  ADMIN = 'admin',
}

export enum Language {
  DE = 'de',
  EN = 'en',
  FR = 'fr',
  ES = 'es',
}

export enum PricingModel {
  FIXED_PRICE = 'fixed_price',
  TIME_AND_MATERIALS = 'time_and_materials',
}

export enum DecisionKind {
  APPROVED = 'approved',
  REJECTED = 'rejected',
}

export enum DecisionChannel {
  SLACK = 'slack',
  GRAPHQL = 'graphql',
  DASHBOARD = 'dashboard',
}

export enum OutboundStatus {
  PENDING = 'pending',
  AWAITING_APPROVAL = 'awaiting_approval',
  SENDING = 'sending',
  SENT = 'sent',
  FAILED = 'failed',
  CANCELLED = 'cancelled',
}

export enum OutboundChannel {
  EMAIL = 'email',
  CRM = 'crm',
}

/** The values of a string enum, for CHECK constraints and zod schemas. */
export function enumValues<T extends Record<string, string>>(enumObject: T): T[keyof T][] {
  return Object.values(enumObject) as T[keyof T][];
}
