import { Role } from '../entities/enums.js';

/** Who is calling, resolved once per request from the API key. */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  /** May pass `onBehalfOf` on decisions. */
  readonly delegate: boolean;
}

/** The actor string written to the activity log. */
export const actorOf = (principal: Principal) => `api-key:${principal.name}`;

/**
 * DESIGN.md's role table: integration and approver each extend viewer in a different direction,
 * so roles are sets of permissions, not a ladder; admin may do everything.
 */
export function isAllowed(role: Role, allowed: readonly Role[]): boolean {
  return role === Role.ADMIN || allowed.length === 0 || allowed.includes(role);
}
