import type { Request } from 'express';
import type { Principal } from '../auth/principal.js';
import type { Logger } from '../logger.js';
import type { LiveFeed } from '../pubsub/live-feed.js';
import type { GraphQLContext } from '../resolvers/context.js';
import { createLoaders, type Loaders } from '../resolvers/loaders.js';
import type { Services } from '../services/index.js';

/**
 * The context of one GraphQL request over HTTP. A class, not an object literal, because Apollo
 * copies the context with Object.assign before running the operation: an own getter would be
 * read by that copy, building the request's child logger and every DataLoader on each request.
 * On the prototype they stay lazy: most requests never log, and need one loader or none.
 */
export class HttpGraphQLContext implements GraphQLContext {
  readonly requestId: string;
  // Not a #private field: those do not survive Apollo's copy, which is not made by the constructor.
  private requestLoaders: Loaders | undefined;

  constructor(
    private readonly request: Request,
    readonly principal: Principal | undefined,
    readonly via: 'dashboard' | undefined,
    readonly services: Services,
    readonly live: LiveFeed,
  ) {
    this.requestId = request.requestId;
  }

  get logger(): Logger {
    return this.request.log;
  }

  get loaders(): Loaders {
    return (this.requestLoaders ??= createLoaders(this.services));
  }
}
