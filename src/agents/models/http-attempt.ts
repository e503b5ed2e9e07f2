import type { ModelErrorClass } from './language-model.js';

/**
 * What both HTTP adapters share: one abort signal per attempt that fires on the caller's abort or
 * on the attempt's own deadline (aborting the request closes the connection), and the reading
 * of a provider's wait hint.
 */
export interface AttemptSignal {
  readonly signal: AbortSignal;
  /** True when the deadline, not the caller, aborted the attempt. */
  timedOut(): boolean;
  dispose(): void;
}

export function startAttemptSignal(timeoutMs: number, callerSignal: AbortSignal | undefined): AttemptSignal {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  timer.unref?.();
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/** `Retry-After` in seconds or as an HTTP date; `retry-after-ms` (OpenAI) wins when present. */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds.trim())) return Math.ceil(Number(milliseconds));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Google's `google.protobuf.Duration` JSON form, e.g. `"2s"` or `"0.5s"`. */
export function parseProtobufDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.ceil(Number(match[1]) * 1000) : undefined;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** True for a reset, refused or dropped connection anywhere in the cause chain (fetch wraps them). */
export function isConnectionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (current instanceof TypeError && current.message === 'fetch failed') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export function isAbortError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const name = (current as { name?: unknown }).name;
    if (name === 'AbortError' || name === 'TimeoutError' || name === 'APIUserAbortError') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The messages down an error's cause chain, with system codes: "fetch failed: connect ECONNREFUSED (ECONNREFUSED)". */
export function describeCause(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}

/** The class of an HTTP failure other than 429, which each provider words differently. */
export function classifyStatus(status: number): ModelErrorClass {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 408) return 'timeout';
  // 409 is a transient lock conflict on OpenAI's side (its SDK retries it too).
  if (status === 409 || status >= 500) return 'server_error';
  return 'bad_request';
}
