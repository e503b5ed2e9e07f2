import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { sampleLead } from '../test/helpers/sample-leads.js';
import { startBenchInstance, submitLead } from './instance.js';
import { closedLoop, percentile } from './stats.js';

/**
 * `npm run bench:first-reply [-- --leads 100 --clients 1,10]`: time from capture (the submitLead
 * request leaving the client) to the first reply's acceptance by an SMTP server (`smtp-server` on
 * 127.0.0.1), through the whole offline pipeline (intake, enrich, qualify, respond) and the
 * e-mail delivery worker, in one `leadpilot serve` process (api + worker). Not a test: it prints
 * p50/p95 per load and fails only when the harness does.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { leads: { type: 'string', default: '100' }, clients: { type: 'string', default: '1,10' } } });
  const total = Number(values.leads);
  const loads = values.clients.split(',').map(Number);

  const accepted = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // The client's name is not looked up: on a machine without DNS the lookup's own wait is not ours to measure.
    disableReverseLookup: process.env['BENCH_SMTP_REVERSE_LOOKUP'] !== 'true',
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        const at = performance.now();
        for (const recipient of session.envelope.rcptTo) {
          const address = recipient.address.toLowerCase();
          if (!accepted.has(address)) accepted.set(address, at);
          waiters.get(address)?.();
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const port = ((smtp as unknown as { server: { address(): AddressInfo } }).server.address()).port;

  const instance = await startBenchInstance({ roles: ['api', 'worker'], env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Bench <bench@agency.example>' } });
  try {
    const rows: string[] = [];
    for (const clients of [1, ...loads]) {
      const warmup = clients === 1 && rows.length === 0;
      const count = warmup ? 10 : total;
      const run = `r${Date.now().toString(36)}c${clients}`;
      const latencies = await closedLoop(count, clients, async (index) => {
        const lead = sampleLead(index, run);
        const address = String(lead['email']).toLowerCase();
        const arrived = new Promise<void>((resolve) => waiters.set(address, resolve));
        const started = performance.now();
        await submitLead(instance, lead);
        await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error(`no first reply to ${address} within 60 s`)), 60_000))]);
        waiters.delete(address);
        return accepted.get(address)! - started;
      });
      if (warmup) {
        rows.push('warm-up done');
        continue;
      }
      // Where the time went, from the rows: capture → written to the outbox → accepted (sent_at).
      const split = (await instance.pool.query(
        `SELECT extract(epoch FROM m.created_at - l.created_at) * 1000 AS written_ms, extract(epoch FROM m.sent_at - m.created_at) * 1000 AS delivered_ms
           FROM outbound_messages m JOIN leads l ON l.id = m.lead_id WHERE m.kind = 'first_reply' AND l.company LIKE $1`,
        [`% ${run}%`],
      )).rows as { written_ms: number; delivered_ms: number }[];
      const written = split.map((row) => Number(row.written_ms));
      const delivered = split.map((row) => Number(row.delivered_ms));
      rows.push(`clients ${String(clients).padStart(3)}  of which capture → outbox p50 ${percentile(written, 50).toFixed(0)} ms p95 ${percentile(written, 95).toFixed(0)} ms; outbox → accepted p50 ${percentile(delivered, 50).toFixed(0)} ms p95 ${percentile(delivered, 95).toFixed(0)} ms`);
      rows.push(`clients ${String(clients).padStart(3)}  leads ${String(count).padStart(4)}  p50 ${percentile(latencies, 50).toFixed(0).padStart(6)} ms  p95 ${percentile(latencies, 95).toFixed(0).padStart(6)} ms  max ${Math.max(...latencies).toFixed(0).padStart(6)} ms`);
      process.stderr.write(`${rows[rows.length - 1]}\n`);
    }
    console.log(['First reply: capture → SMTP acceptance (offline pipeline, one process)', ...rows.filter((row) => row !== 'warm-up done')].join('\n'));
  } finally {
    await instance.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
