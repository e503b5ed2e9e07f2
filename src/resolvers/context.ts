import type { Logger } from '../logger.js';
import type { Principal } from '../auth/principal.js';
import type { LiveFeed } from '../pubsub/live-feed.js';
import type { Services } from '../services/index.js';
import type { Loaders } from './loaders.js';

/** What every resolver receives: who is calling, the request's id and logger, and the services. */
export interface GraphQLContext {
  readonly requestId: string;
  readonly principal: Principal | undefined;
  /** 'dashboard' when the dashboard page made the call (isDashboardCall); decisions then record that channel. */
  readonly via?: 'dashboard' | undefined;
  readonly logger: Logger;
  readonly services: Services;
  /** DataLoaders for nested fields, fresh per request (createLoaders). */
  readonly loaders: Loaders;
  /** Subscriptions' event streams (the same on both transports; only graphql-ws uses them). */
  readonly live: LiveFeed;
}
