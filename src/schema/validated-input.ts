import type { ZodType } from 'zod';

const schemas = new WeakMap<object, ZodType>();

/**
 * Attaches a zod schema to a GraphQL input class; `validateInput` (type-graphql's validateFn)
 * checks every argument of that class against it before a resolver runs.
 */
export function ValidatedBy(schema: ZodType): ClassDecorator {
  return (target) => {
    schemas.set(target, schema);
  };
}

export function schemaFor(type: unknown): ZodType | undefined {
  return typeof type === 'function' ? schemas.get(type) : undefined;
}
