import pg from 'pg';
import WebSocket from 'ws';
import { LIVE_CHANNEL, LiveTopic } from '../../src/pubsub/live-topics.js';
import { percentile } from '../stats.js';

/**
 * The subscribers of the fan-out benchmark, as their own process: `subscribers` graphql-ws
 * connections (spread over `urls`), each subscribed to `leadUpdated`. It then sends `events` live
 * events the way Leadpilot publishes them (pg_notify on the live channel, through its own
 * connection to the database) and times each delivery from just before the NOTIFY to the
 * subscriber's message arriving. The protocol is spoken by hand on `ws` and messages are only
 * timestamped on arrival (parsed after the event), so the subscribers' own CPU adds as little as
 * it can to what is measured. Input: one JSON argument; output: JSON lines ("connected" once
 * every subscriber got a warm-up event, then the result).
 */
interface Spec {
  urls: string[];
  apiKey: string;
  subscribers: number;
  events: number;
  databaseUrl: string;
  leadId: string;
}

export interface FanoutResult {
  subscribers: number;
  events: number;
  deliveries: number;
  missed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export const FANOUT_SUBSCRIPTION = 'subscription BenchFanout { leadUpdated { id name email company status priority fitScore createdAt } }';

interface Subscriber {
  socket: WebSocket;
  /** Arrival times of `next` messages, with their text (parsed later). */
  arrivals: { at: number; text: string }[];
}

function openSubscriber(url: string, apiKey: string): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const subscriber: Subscriber = { socket, arrivals: [] };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${apiKey}` } })));
    socket.on('message', (data: Buffer) => {
      const at = performance.now();
      const text = data.toString();
      if (text.startsWith('{"type":"next"') || text.includes('"type":"next"')) {
        subscriber.arrivals.push({ at, text });
        return;
      }
      const message = JSON.parse(text) as { type: string };
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: FANOUT_SUBSCRIPTION } }));
        resolve(subscriber);
      } else if (message.type === 'ping') socket.send('{"type":"pong"}');
      else if (message.type === 'error') reject(new Error(text));
    });
    socket.on('error', reject);
    socket.on('close', (code) => reject(new Error(`closed ${code}`)));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one event; resolves when every subscriber got it (or after 10 s) with the time it was sent and who had how many before. */
async function deliver(notify: () => Promise<unknown>, subscribers: Subscriber[]): Promise<{ sent: number; counts: number[] }> {
  const counts = subscribers.map((subscriber) => subscriber.arrivals.length);
  const sent = performance.now();
  await notify();
  const deadline = sent + 10_000;
  while (subscribers.some((subscriber, index) => subscriber.arrivals.length === counts[index]) && performance.now() < deadline) await sleep(2);
  return { sent, counts };
}

async function main(spec: Spec): Promise<void> {
  const subscribers: Subscriber[] = [];
  // A few at a time: a thousand handshakes at once would measure the accept queue, not fan-out.
  for (let index = 0; index < spec.subscribers; index += 50) {
    subscribers.push(...(await Promise.all(Array.from({ length: Math.min(50, spec.subscribers - index) }, (_, offset) => openSubscriber(spec.urls[(index + offset) % spec.urls.length]!, spec.apiKey)))));
  }
  const database = new pg.Client({ connectionString: spec.databaseUrl, application_name: 'bench:fanout' });
  await database.connect();
  const notify = () => database.query('SELECT pg_notify($1, $2)', [LIVE_CHANNEL, JSON.stringify({ topic: LiveTopic.LEAD_CHANGED, id: spec.leadId })]);
  const received = () => subscribers.filter((subscriber) => subscriber.arrivals.length > 0).length;

  // Subscriptions start after the server read the subscribe message: send warm-up events until every subscriber got one.
  const warmUntil = performance.now() + 60_000;
  while (received() < subscribers.length) {
    if (performance.now() > warmUntil) throw new Error(`only ${received()} of ${subscribers.length} subscribers received an event in 60 s`);
    await notify();
    await sleep(500);
  }
  // A few more, each to everyone, so a process that just started has its event path compiled.
  for (let warm = 0; warm < 5; warm++) await deliver(notify, subscribers);
  await sleep(500);
  for (const subscriber of subscribers) subscriber.arrivals.length = 0;
  process.stdout.write(`${JSON.stringify({ connected: subscribers.length })}\n`);

  const latencies: number[] = [];
  let missed = 0;
  for (let event = 0; event < spec.events; event++) {
    const { sent, counts } = await deliver(notify, subscribers);
    subscribers.forEach((subscriber, index) => {
      const arrival = subscriber.arrivals[counts[index]!];
      if (!arrival) return void missed++;
      if (!arrival.text.includes(spec.leadId)) throw new Error(`unexpected payload: ${arrival.text.slice(0, 300)}`);
      latencies.push(arrival.at - sent);
    });
    await sleep(200);
  }
  const result: FanoutResult = {
    subscribers: subscribers.length,
    events: spec.events,
    deliveries: latencies.length,
    missed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await database.end();
  for (const subscriber of subscribers) subscriber.socket.terminate();
}

if (process.argv[2]) await main(JSON.parse(process.argv[2]) as Spec);
