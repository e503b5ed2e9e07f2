import { Repeater } from '@graphql-yoga/subscription';
import type { LivePubSub } from './live-pubsub.js';
import { LiveTopic } from './live-topics.js';

/** At most one KPI refresh per this many milliseconds and subscriber. */
export const KPI_UPDATE_INTERVAL_MS = 1_000;

/**
 * A tick whenever leads or proposals changed, coalesced: the first change after a quiet second is
 * passed on at once, changes within the second after it become one tick at its end. The figures
 * themselves are computed when the tick is resolved, so a tick always carries the newest numbers.
 */
export function kpiUpdates(pubsub: Pick<LivePubSub, 'subscribe'>, intervalMs = KPI_UPDATE_INTERVAL_MS): AsyncIterable<Date> {
  return new Repeater<Date>(async (push, stop) => {
    const sources = [pubsub.subscribe(LiveTopic.LEAD_CHANGED), pubsub.subscribe(LiveTopic.PROPOSAL_CHANGED)];
    let lastSent = 0;
    let timer: NodeJS.Timeout | undefined;
    const send = () => {
      timer = undefined;
      lastSent = Date.now();
      void push(new Date(lastSent));
    };
    const changed = () => {
      if (timer) return;
      const wait = lastSent + intervalMs - Date.now();
      if (wait <= 0) send();
      else timer = setTimeout(send, wait);
    };
    const drains = sources.map(async (source) => {
      for await (const _event of source) changed();
    });
    await stop;
    if (timer) clearTimeout(timer);
    await Promise.all(sources.map((source) => source.return(undefined)));
    await Promise.allSettled(drains);
  });
}
