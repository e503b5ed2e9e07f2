import { parseArgs } from 'node:util';

/** Exit codes, after sysexits.h where one fits. */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  USAGE: 64,
  DATA_ERROR: 65,
  NO_INPUT: 66,
  UNAVAILABLE: 69,
  CONFIG: 78,
} as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

/** node's parseArgs, strict, with its complaints turned into usage errors. */
export function parseArgsOrUsage<T extends Options>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
