import pg from 'pg';
import { FakeSlackServer } from '../../test/fakes/fake-slack.server.js';
import { APPROVAL_CHANNEL, SLACK_SIGNING_SECRET } from '../../test/fakes/fake-slack-requests.js';
import { currentRssMiB, peakRssMiB, startBenchChild, startServeProcess, type ServeProcess } from '../processes.js';
import type { FanoutResult } from './fanout-clients.js';

export interface FanoutBenchResult {
  subscribers: number;
  events: number;
  /** Leadpilot: the all-roles process alone, then it and a second API process (subscribers split). */
  oneProcess: FanoutResult;
  twoProcesses: FanoutResult;
  /** graphql-ws with a bare schema (bench/fanout/bare-fanout-server.ts): one process, then two. */
  bareOneProcess: FanoutResult;
  bareTwoProcesses: FanoutResult;
  /** The all-roles process: resident memory once started and idle, and its peak (VmHWM) after the one-process fan-out. */
  idleRssMiB: number;
  peakRssMiB: number;
}

/**
 * One live event to `subscribers` graphql-ws subscriptions. Leadpilot runs as `leadpilot serve`
 * with every role (api, worker, bot; Slack a local fake) on a fresh embedded PostgreSQL, then with
 * a second `--roles api` process on the same database; the baseline is a bare graphql-ws server
 * on the same database, as one and as two processes. The subscribers run in their own process
 * (bench/fanout/fanout-clients.ts). The lead the events name is written with SQL, so no pipeline
 * job adds events of its own.
 */
export async function measureFanout(options: { subscribers: number; events: number; progress: (text: string) => void }): Promise<FanoutBenchResult> {
  const slack = new FakeSlackServer();
  await slack.start();
  const running: { stop(): Promise<void> }[] = [];
  try {
    const main = await startServeProcess({ env: { SLACK_BOT_TOKEN: slack.token, SLACK_SIGNING_SECRET, SLACK_APPROVAL_CHANNEL: APPROVAL_CHANNEL, SLACK_API_URL: slack.apiUrl } });
    running.push(main);
    const leadId = await insertLead(main.databaseUrl);
    // Settled after start-up (schema built, first jobs polled) before it is read.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idleRssMiB = currentRssMiB(main.pid);
    options.progress(`fan-out: the all-roles process is at ${idleRssMiB.toFixed(0)} MiB, ${peakRssMiB(main.pid).toFixed(0)} MiB at most so far`);

    const run = async (label: string, urls: string[]) => {
      options.progress(`fan-out: ${options.subscribers} subscribers, ${options.events} events, ${label}…`);
      const spec = { urls, apiKey: main.apiKey, subscribers: options.subscribers, events: options.events, databaseUrl: main.databaseUrl, leadId };
      const clients = await startBenchChild<{ connected: number }>('fanout/fanout-clients.js', [JSON.stringify(spec)]);
      try {
        return (await clients.next()) as unknown as FanoutResult;
      } finally {
        await clients.stop();
      }
    };
    const bare = async () => {
      const server = await startBenchChild<{ url: string }>('fanout/bare-fanout-server.js', [], { DATABASE_URL: main.databaseUrl });
      running.push(server);
      return server.first.url;
    };

    const bareUrls = [await bare(), await bare()];
    const bareOneProcess = await run('bare graphql-ws, one process', bareUrls.slice(0, 1));
    const bareTwoProcesses = await run('bare graphql-ws, two processes', bareUrls);
    const oneProcess = await run('Leadpilot, the all-roles process', [main.graphqlUrl]);
    const peak = peakRssMiB(main.pid);
    const second: ServeProcess = await startServeProcess({ roles: ['api'], databaseUrl: main.databaseUrl, apiKey: main.apiKey });
    running.push(second);
    const twoProcesses = await run('Leadpilot, all-roles + a second API process', [main.graphqlUrl, second.graphqlUrl]);
    return { subscribers: options.subscribers, events: options.events, oneProcess, twoProcesses, bareOneProcess, bareTwoProcesses, idleRssMiB, peakRssMiB: peak };
  } finally {
    for (const process of running.reverse()) await process.stop();
    await slack.stop();
  }
}

async function insertLead(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO leads (name, email, company, message, language, source, status, priority, fit_score)
       VALUES ('Fan-out Lead', 'fanout@bench.example', 'Bench GmbH', 'We need a dashboard.', 'en', 'api', 'awaiting_approval', 'high', 80) RETURNING id`,
    );
    return rows[0]!.id;
  } finally {
    await client.end();
  }
}
