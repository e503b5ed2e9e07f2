import { ErrorCode, WebClient, type WebAPICallResult } from '@slack/web-api';
import type { Logger } from '../logger.js';
import { slackPosts, slackRateLimitWaits } from '../metrics/metrics.js';

export interface SlackPosterOptions {
  token: string;
  apiUrl?: string | undefined;
  logger: Logger;
  /** Slack allows about one message per second per channel; posts are spaced at least this much. */
  minimumPostIntervalMs: number;
  /** Per HTTP call. */
  timeoutMs?: number;
  /** 429s answered in a row before the job gives up (and is retried later by the queue). */
  maxRateLimitWaits?: number;
}

/** Slack answered, so the call certainly did not take effect (ok: false, or 429). */
export function isDefiniteFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === ErrorCode.PlatformError || code === ErrorCode.RateLimitedError;
}

/**
 * The Web API client the card jobs post with. chat.postMessage is not idempotent, so this client
 * never retries on its own: a 429 (Slack certainly did not post) is waited out here for its
 * Retry-After and tried again; any other failure goes back to the job, whose retry first looks
 * for the message it may have posted (see card-sync.job.ts).
 */
export class SlackPoster {
  readonly client: WebClient;
  private lastPostAt = 0;

  constructor(private readonly options: SlackPosterOptions) {
    this.client = new WebClient(options.token, {
      ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
      timeout: options.timeoutMs ?? 10_000,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      logger: quietLogger(options.logger),
    });
  }

  /** A new message in the channel: paced, and 429s waited out. */
  async postMessage(args: Parameters<WebClient['chat']['postMessage']>[0]): Promise<{ ts: string }> {
    const wait = this.lastPostAt + this.options.minimumPostIntervalMs - Date.now();
    if (wait > 0) await sleep(wait);
    try {
      const result = await this.withRateLimit('chat.postMessage', () => this.client.chat.postMessage(args));
      if (!result.ts) throw new Error('chat.postMessage answered without a ts');
      return { ts: result.ts };
    } finally {
      this.lastPostAt = Date.now();
    }
  }

  /** Any other call (updates, history lookups); 429s waited out the same way. `method` names it in the metrics. */
  withRateLimit<T extends WebAPICallResult>(method: string, call: () => Promise<T>): Promise<T> {
    return this.retryRateLimited(method, call, 0);
  }

  private async retryRateLimited<T>(method: string, call: () => Promise<T>, waits: number): Promise<T> {
    try {
      const result = await call();
      slackPosts.inc({ method, outcome: 'ok' });
      return result;
    } catch (error) {
      const retryAfter = (error as { code?: unknown; retryAfter?: unknown }).code === ErrorCode.RateLimitedError ? Number((error as { retryAfter: unknown }).retryAfter) : NaN;
      slackPosts.inc({ method, outcome: Number.isNaN(retryAfter) ? slackErrorOf(error) : 'ratelimited' });
      if (Number.isNaN(retryAfter) || waits >= (this.options.maxRateLimitWaits ?? 10)) throw error;
      this.options.logger.info({ retryAfterSeconds: retryAfter }, 'Slack rate limit: waiting as asked');
      slackRateLimitWaits.observe({ method }, Math.max(0, retryAfter));
      await sleep(Math.max(0, retryAfter) * 1000);
      return this.retryRateLimited(method, call, waits + 1);
    }
  }
}

/** Slack's own error name (`channel_not_found`) where it answered, else the kind of failure: a bounded label set. */
function slackErrorOf(error: unknown): string {
  const platformError = (error as { data?: { error?: unknown } } | null)?.data?.error;
  if (typeof platformError === 'string' && /^[a-z_]{1,64}$/.test(platformError)) return platformError;
  return (error as { code?: unknown } | null)?.code === ErrorCode.RequestError ? 'request_error' : 'error';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The SDK's logger interface over ours, one level down: its info lines are our debug. */
export function quietLogger(logger: Logger) {
  let level = 'info';
  return {
    debug: (...message: unknown[]) => logger.trace({ sdk: 'slack' }, message.map(String).join(' ')),
    info: (...message: unknown[]) => logger.debug({ sdk: 'slack' }, message.map(String).join(' ')),
    warn: (...message: unknown[]) => logger.warn({ sdk: 'slack' }, message.map(String).join(' ')),
    error: (...message: unknown[]) => logger.error({ sdk: 'slack' }, message.map(String).join(' ')),
    setLevel: (next: string) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  } as never;
}
