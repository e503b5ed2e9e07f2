import { setMaxListeners } from 'node:events';
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../logger.js';
import type { DomainEvents } from '../services/domain-events.js';
import { LIVE_CHANNEL, LiveTopic, MAX_NOTIFY_PAYLOAD_BYTES, parseLiveMessage, type LivePayloads } from './live-topics.js';
import { createPostgresListener } from './postgres-listener.js';

type LocalArgs = { [Topic in LiveTopic]: [LivePayloads[Topic]] };

/** Live events shared by every process on one database; also the services' DomainEvents. */
export interface LivePubSub extends DomainEvents {
  publish<Topic extends LiveTopic>(topic: Topic, payload: LivePayloads[Topic], within?: EntityManager): Promise<void>;
  subscribe<Topic extends LiveTopic>(topic: Topic): AsyncGenerator<LivePayloads[Topic]>;
  close(): Promise<void>;
}

/**
 * Publishing is `pg_notify`: in the transaction of the change where the caller passes it (see
 * DomainEvents), otherwise through the ordinary pool after the change committed. Delivery is only through the listening connection, also for this process's
 * own events: one path, so every process sees events in the same order. Locally, a yoga pubsub
 * fans each notification out to the subscribers.
 */
export async function createLivePubSub(options: { dataSource: DataSource; logger: Logger; connectionString?: string }): Promise<LivePubSub> {
  const { dataSource } = options;
  const logger = options.logger.child({ component: 'live-events' });
  // Every subscription adds a listener; hundreds are normal, not the leak Node warns about past 10.
  const target = new EventTarget();
  setMaxListeners(0, target);
  const local: PubSub<LocalArgs> = createPubSub<LocalArgs>({ eventTarget: target as never });
  const connectionString = options.connectionString ?? (dataSource.options as { url?: string }).url;
  if (!connectionString) throw new Error('Live events need the database URL to open their listening connection.');

  const listener = createPostgresListener({
    connectionString,
    channel: LIVE_CHANNEL,
    logger,
    onNotification: (text) => {
      const message = parseLiveMessage(text);
      if (!message) {
        logger.warn({ payload: text }, 'ignored a malformed live event');
        return;
      }
      local.publish(message.topic, message.payload as never);
    },
  });
  await listener.start();

  const publish = async <Topic extends LiveTopic>(topic: Topic, payload: LivePayloads[Topic], within?: EntityManager) => {
    const text = JSON.stringify({ topic, ...payload });
    if (Buffer.byteLength(text) > MAX_NOTIFY_PAYLOAD_BYTES) throw new Error(`Live event too large for NOTIFY (${topic})`);
    // NOTIFY is transactional: sent by the change's own transaction, it goes out exactly when that commits.
    if (within) {
      await within.query('SELECT pg_notify($1, $2)', [LIVE_CHANNEL, text]);
      return;
    }
    try {
      await dataSource.query('SELECT pg_notify($1, $2)', [LIVE_CHANNEL, text]);
    } catch (error) {
      // The change itself is committed; a lost event must not turn it into an error for the caller.
      logger.error({ err: error, topic, id: payload.id }, 'could not publish a live event');
    }
  };

  return {
    publish,
    subscribe: (topic) => local.subscribe(topic) as never,
    leadChanged: (leadId, within) => publish(LiveTopic.LEAD_CHANGED, { id: leadId }, within),
    proposalChanged: (proposalId, status, within) => publish(LiveTopic.PROPOSAL_CHANGED, { id: proposalId, status }, within),
    close: () => listener.close(),
  };
}
