import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths that could carry a secret anywhere we log. pino replaces them before a line is written,
 * so a careless `logger.info({ headers })` still cannot leak a key.
 */
const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.apiKey',
  '*.key',
  '*.password',
  '*.secret',
  '*.token',
  'connectionParams',
  '*.connectionParams',
  'databaseUrl',
  '*.databaseUrl',
];

export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    name: options.name ?? 'leadpilot',
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** Connection strings name a password; logs get them without it. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}
