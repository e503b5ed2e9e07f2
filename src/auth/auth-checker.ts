import type { AuthCheckerInterface, ResolverData } from 'type-graphql';
import type { GraphQLContext } from '../resolvers/context.js';
import type { Role } from '../entities/enums.js';
import { AppError } from '../errors.js';
import { isAllowed } from './principal.js';

/**
 * `@Authorized()` means any valid key; `@Authorized(Role.APPROVER)` means approver (or admin).
 * It throws rather than answering false so the client gets our codes and a message.
 */
export class RoleAuthChecker implements AuthCheckerInterface<GraphQLContext, Role> {
  check({ context }: ResolverData<GraphQLContext>, roles: Role[]): boolean {
    const { principal } = context;
    if (!principal) {
      throw new AppError('UNAUTHENTICATED', 'An API key is required: send Authorization: Bearer <key>.');
    }
    if (!isAllowed(principal.role, roles)) {
      const wanted = roles.map((role) => role.toUpperCase()).join(' or ');
      throw new AppError('FORBIDDEN', `This needs the ${wanted} role; your key has ${principal.role.toUpperCase()}.`);
    }
    return true;
  }
}
