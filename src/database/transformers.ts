import type { ValueTransformer } from 'typeorm';

/** `numeric` arrives from pg as a string to keep precision; money here fits a double. */
export const numericTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null || value === undefined ? null : Number(value)),
};
