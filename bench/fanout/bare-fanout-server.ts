import { setMaxListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPubSub } from '@graphql-yoga/subscription';
import { GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import { bareLeadFields } from '../bare-lead-fields.js';
import { LIVE_CHANNEL, parseLiveMessage } from '../../src/pubsub/live-topics.js';

/**
 * The baseline of the fan-out benchmark: graphql-ws with a bare graphql-js schema on `ws`, no
 * authentication. It LISTENs on Leadpilot's live channel, reads the changed lead once per event
 * and hands that one row to every subscriber. Run as its own process with DATABASE_URL; prints
 * its URL as one JSON line.
 */
type Row = Record<string, unknown>;

const LeadType = new GraphQLObjectType<Row>({ name: 'Lead', fields: bareLeadFields() });

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: process.env['DATABASE_URL'], max: 4, application_name: 'bench:bare-fanout' });
  const target = new EventTarget();
  setMaxListeners(0, target);
  const pubsub = createPubSub<{ lead: [Row] }>({ eventTarget: target as never });
  const listener = new pg.Client({ connectionString: process.env['DATABASE_URL'], application_name: 'bench:bare-fanout-listener' });
  await listener.connect();
  listener.on('notification', async (message) => {
    const event = parseLiveMessage(message.payload);
    if (!event) return;
    const { rows } = await pool.query('SELECT * FROM leads WHERE id = $1', [event.payload.id]);
    if (rows[0]) pubsub.publish('lead', rows[0] as Row);
  });
  await listener.query(`LISTEN ${pg.escapeIdentifier(LIVE_CHANNEL)}`);

  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString, resolve: () => 'ok' } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: { leadUpdated: { type: new GraphQLNonNull(LeadType), subscribe: () => pubsub.subscribe('lead'), resolve: (row: Row) => row } },
    }),
  });
  const httpServer = createServer((_request, response) => response.writeHead(404).end());
  const cleanup = useServer({ schema }, new WebSocketServer({ server: httpServer, path: '/graphql' }));
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/graphql` })}\n`);
  process.on('SIGTERM', () => {
    void Promise.resolve(cleanup.dispose())
      .then(() => Promise.all([listener.end(), pool.end()]))
      .finally(() => process.exit(0));
  });
}

await main();
