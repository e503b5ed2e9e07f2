import { Agent, request } from 'node:http';
import { percentile } from '../stats.js';

/**
 * A closed-loop HTTP load generator, run as its own process so it never shares an event loop
 * with the server it measures: `connections` keep-alive connections, each sending its next POST
 * as soon as the last answer arrived, for `warmupSeconds` unrecorded and then `seconds` recorded.
 * Input: one JSON argument ({ url, body, headers, connections, seconds, warmupSeconds }); output:
 * one JSON line ({ requests, errors, requestsPerSecond, p50Ms, p99Ms }). An answer counts as an
 * error unless it is a 200 without "errors" in its body.
 */
export interface LoadSpec {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  firstError: string | null;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const url = new URL(spec.url);
  const headers = { ...spec.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(spec.body)) };
  const post = () =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      });
      req.on('error', reject);
      req.end(spec.body);
    });

  const started = performance.now();
  const recordFrom = started + spec.warmupSeconds * 1000;
  const stopAt = recordFrom + spec.seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const connection = async () => {
    for (;;) {
      const sent = performance.now();
      if (sent >= stopAt) return;
      let ok = false;
      try {
        const { status, text } = await post();
        ok = status === 200 && !text.includes('"errors"');
        if (!ok) firstError ??= `HTTP ${status}: ${text.slice(0, 300)}`;
      } catch (error) {
        firstError ??= String(error);
      }
      if (sent < recordFrom) continue;
      if (ok) latencies.push(performance.now() - sent);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, connection));
  agent.destroy();
  return { requests: latencies.length, errors, firstError, requestsPerSecond: latencies.length / spec.seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

if (process.argv[2]) process.stdout.write(`${JSON.stringify(await run(JSON.parse(process.argv[2]) as LoadSpec))}\n`);
