import { filter, map, pipe, Repeater } from '@graphql-yoga/subscription';
import type { DataSource } from 'typeorm';
import { Lead } from '../entities/lead.entity.js';
import { Proposal } from '../entities/proposal.entity.js';
import type { Services } from '../services/index.js';
import type { LivePubSub } from './live-pubsub.js';
import { kpiUpdates } from './kpi-updates.js';
import { LiveTopic } from './live-topics.js';

/** What a subscription resolver asks for: the current rows behind the events it cares about. */
export interface LiveFeed {
  leadUpdates(id?: string | null): AsyncIterable<Lead>;
  proposalUpdates(status?: string | null): AsyncIterable<Proposal>;
  /** A tick (its time) at most once a second while leads or proposals change. */
  kpiUpdates(): AsyncIterable<Date>;
}

/**
 * Events carry ids; each subscriber loads the row as it is now, so it never sees a stale or
 * oversized copy, and a row gone in between (erased) is skipped. The Repeater-based operators end
 * the underlying subscription as soon as the client stops, not at the next event.
 */
export function createLiveFeed(pubsub: Pick<LivePubSub, 'subscribe'>, dataSource: DataSource, services: Services): LiveFeed {
  const present = <T>(row: T | null): row is T => row !== null;
  return {
    leadUpdates: (id) =>
      pipe(
        pubsub.subscribe(LiveTopic.LEAD_CHANGED),
        filter((event) => !id || event.id === id),
        map((event) => services.leads.findById(event.id)),
        filter(present),
      ) as AsyncIterable<Lead>,
    proposalUpdates: (status) =>
      pipe(
        pubsub.subscribe(LiveTopic.PROPOSAL_CHANGED),
        filter((event) => !status || event.status === status),
        map((event) => dataSource.getRepository(Proposal).findOneBy({ id: event.id })),
        filter(present),
      ) as AsyncIterable<Proposal>,
    kpiUpdates: () => kpiUpdates(pubsub),
  };
}

/**
 * The same feed, asking `allowed` before each event: a key revoked or expired while a dashboard is
 * connected stops receiving at the next event (the caller closes the socket), not at reconnect.
 */
export function guardedLiveFeed(feed: LiveFeed, allowed: () => Promise<boolean>): LiveFeed {
  const guard = <T>(source: AsyncIterable<T>): AsyncIterable<T> =>
    new Repeater<T>(async (push, stop) => {
      const iterator = source[Symbol.asyncIterator]();
      void stop.then(() => iterator.return?.());
      let latest: IteratorResult<T>;
      while (!(latest = await iterator.next()).done) {
        if (!(await allowed())) break;
        await push(latest.value);
      }
      stop();
    });
  return {
    leadUpdates: (id) => guard(feed.leadUpdates(id)),
    proposalUpdates: (status) => guard(feed.proposalUpdates(status)),
    kpiUpdates: () => guard(feed.kpiUpdates()),
  };
}
