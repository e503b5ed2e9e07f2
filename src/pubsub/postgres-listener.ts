import pg from 'pg';
import type { Logger } from '../logger.js';

export interface PostgresListener {
  /** Resolves once the first LISTEN is in place, so nothing published after start-up is missed. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

/**
 * One dedicated connection per process that LISTENs on a channel. A pooled connection cannot do
 * this (LISTEN belongs to a session), so it is a plain client; when it drops (database restart,
 * network) it reconnects with exponential backoff. Notifications sent while it is down are lost:
 * subscribers get the next change, which carries the current row anyway.
 */
export function createPostgresListener(options: {
  connectionString: string;
  channel: string;
  logger: Logger;
  onNotification: (payload: string | undefined) => void;
  /** After each (re)connection's LISTEN: what was sent while it was down was not heard. */
  onConnected?: () => void;
}): PostgresListener {
  const { connectionString, channel, logger, onNotification, onConnected } = options;
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString, application_name: 'leadpilot:listener' });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotification(message.payload);
    });
    // 'error' and 'end' both mean the session is gone; reconnect once per client.
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost || closed) return;
      lost = true;
      logger.warn({ err: error, channel, retryInMs: retryMs }, 'the LISTEN connection dropped; reconnecting');
      scheduleReconnect();
    };
    next.on('error', onLost);
    next.on('end', () => onLost());
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      next.removeAllListeners('end');
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    retryMs = FIRST_RETRY_MS;
    onConnected?.();
  };

  const scheduleReconnect = () => {
    client = undefined;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect().catch((error: unknown) => {
        if (closed) return;
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        logger.warn({ err: error, channel, retryInMs: retryMs }, 'the LISTEN connection could not reconnect; trying again');
        scheduleReconnect();
      });
    }, retryMs);
    retryTimer.unref();
  };

  return {
    start: connect,
    close: async () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
