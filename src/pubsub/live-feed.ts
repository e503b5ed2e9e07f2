import type { DataSource } from 'typeorm';
import { Lead } from '../entities/lead.entity.js';
import { Proposal } from '../entities/proposal.entity.js';
import type { Services } from '../services/index.js';
import type { LivePubSub } from './live-pubsub.js';
import { END_STREAM, eventStream } from './event-stream.js';
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
 * Events carry ids; the row is loaded as it is when the event arrives (once for all of this
 * process's subscribers, see oncePerEvent), so nobody sees a stale or
 * oversized copy, and a row gone in between (erased) is skipped. The streams end the underlying
 * subscription as soon as the client stops, not at the next event (eventStream).
 */
export function createLiveFeed(pubsub: Pick<LivePubSub, 'subscribe'>, dataSource: DataSource, services: Services): LiveFeed {
  const loadLead = oncePerEvent((event: { id: string }) => services.leads.findById(event.id));
  const loadProposal = oncePerEvent((event: { id: string }) => dataSource.getRepository(Proposal).findOneBy({ id: event.id }));
  return {
    leadUpdates: (id) => eventStream(pubsub.subscribe(LiveTopic.LEAD_CHANGED), (event) => (!id || event.id === id ? loadLead(event) : null)),
    proposalUpdates: (status) => eventStream(pubsub.subscribe(LiveTopic.PROPOSAL_CHANGED), (event) => (!status || event.status === status ? loadProposal(event) : null)),
    kpiUpdates: () => kpiUpdates(pubsub),
  };
}

/**
 * One read per event for all of this process's subscribers: the local pubsub hands every one of
 * them the same event object, so the first to ask loads the row and the rest share it (a
 * thousand dashboards cost one query, not a thousand). Each event is still read when it arrives.
 */
function oncePerEvent<Event extends object, Row>(load: (event: Event) => Promise<Row>): (event: Event) => Promise<Row> {
  const loads = new WeakMap<Event, Promise<Row>>();
  return (event) => {
    let loading = loads.get(event);
    if (!loading) loads.set(event, (loading = load(event)));
    return loading;
  };
}

/**
 * The same feed, asking `allowed` before each event: a key revoked or expired while a dashboard is
 * connected stops receiving at the next event (the caller closes the socket), not at reconnect.
 */
export function guardedLiveFeed(feed: LiveFeed, allowed: () => Promise<boolean>): LiveFeed {
  const guard = <T>(source: AsyncIterable<T>): AsyncIterable<T> => eventStream(source, async (value) => ((await allowed()) ? value : END_STREAM));
  return {
    leadUpdates: (id) => guard(feed.leadUpdates(id)),
    proposalUpdates: (status) => guard(feed.proposalUpdates(status)),
    kpiUpdates: () => guard(feed.kpiUpdates()),
  };
}
