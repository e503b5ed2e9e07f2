import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { makeDataSource } from '../../src/database/data-source.js';
import { createLogger } from '../../src/logger.js';
import { createLivePubSub, type LivePubSub } from '../../src/pubsub/live-pubsub.js';
import { LiveTopic } from '../../src/pubsub/live-topics.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const logger = createLogger({ level: 'silent' });

/** The next value of an iterator, or a failure after a while instead of a hanging test. */
async function nextWithin<T>(iterator: AsyncIterator<T>, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms)));
  try {
    const result = await Promise.race([iterator.next(), timeout]);
    return result.value as T;
  } finally {
    clearTimeout(timer);
  }
}

describe(createLivePubSub.name, () => {
  let database: TestDatabase;
  const dataSources: DataSource[] = [];
  const pubsubs: LivePubSub[] = [];

  const open = async () => {
    const dataSource = makeDataSource({ url: database.url, poolSize: 2 });
    await dataSource.initialize();
    dataSources.push(dataSource);
    const pubsub = await createLivePubSub({ dataSource, logger });
    pubsubs.push(pubsub);
    return pubsub;
  };

  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    for (const pubsub of pubsubs) await pubsub.close();
    for (const dataSource of dataSources) await dataSource.destroy();
    await database.drop();
  });

  it('delivers an event published by one pubsub to the subscribers of another on the same database', async () => {
    const publisher = await open();
    const subscriber = await open();
    const leads = subscriber.subscribe(LiveTopic.LEAD_CHANGED);
    const proposals = subscriber.subscribe(LiveTopic.PROPOSAL_CHANGED);
    const nextLead = nextWithin(leads);
    const nextProposal = nextWithin(proposals);
    await publisher.leadChanged('11111111-1111-4111-8111-111111111111');
    await publisher.proposalChanged('22222222-2222-4222-8222-222222222222', 'approved');
    assert.deepEqual(await nextLead, { id: '11111111-1111-4111-8111-111111111111' });
    assert.deepEqual(await nextProposal, { id: '22222222-2222-4222-8222-222222222222', status: 'approved' });
    await leads.return(undefined);
    await proposals.return(undefined);
  });

  it('delivers its own events too, through the database', async () => {
    const pubsub = await open();
    const leads = pubsub.subscribe(LiveTopic.LEAD_CHANGED);
    const next = nextWithin(leads);
    await pubsub.leadChanged('33333333-3333-4333-8333-333333333333');
    assert.deepEqual(await next, { id: '33333333-3333-4333-8333-333333333333' });
    await leads.return(undefined);
  });

  it('sends an event given its transaction with that transaction: delivered when it commits, never when it rolls back', async () => {
    const pubsub = await open();
    const [dataSource] = dataSources.slice(-1);
    const leads = pubsub.subscribe(LiveTopic.LEAD_CHANGED);
    const received: string[] = [];
    void (async () => {
      for await (const event of { [Symbol.asyncIterator]: () => leads }) received.push(event.id);
    })();
    await assert.rejects(
      dataSource!.transaction(async (manager) => {
        await pubsub.leadChanged('55555555-5555-4555-8555-555555555555', manager);
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    let heldUntilCommit = true;
    await dataSource!.transaction(async (manager) => {
      await pubsub.leadChanged('66666666-6666-4666-8666-666666666666', manager);
      await new Promise((resolve) => setTimeout(resolve, 300));
      heldUntilCommit = received.length === 0;
    });
    // An event after both, through the same path: once it is in, anything sent before it would be too.
    await pubsub.leadChanged('77777777-7777-4777-8777-777777777777');
    const deadline = Date.now() + 5_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.ok(heldUntilCommit, 'nothing was delivered before the commit');
    assert.deepEqual(received, ['66666666-6666-4666-8666-666666666666', '77777777-7777-4777-8777-777777777777']);
    await leads.return(undefined);
  });

  it('keeps delivering after its listening connection is killed', async () => {
    const publisher = await open();
    const subscriber = await open();
    const [admin] = dataSources;
    await admin!.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'leadpilot:listener' AND datname = current_database()`);
    const leads = subscriber.subscribe(LiveTopic.LEAD_CHANGED);
    // Publish until the reconnected listeners pick it up (reconnection takes a backoff step).
    const received = nextWithin(leads, 10_000);
    let delivered = false;
    void received.then(() => (delivered = true), () => undefined);
    for (let attempt = 0; attempt < 40 && !delivered; attempt++) {
      await publisher.leadChanged('44444444-4444-4444-8444-444444444444');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.deepEqual(await received, { id: '44444444-4444-4444-8444-444444444444' });
    await leads.return(undefined);
  });
});
