import { z } from 'zod';

export type JsonSchema = { [key: string]: unknown };

/**
 * The JSON Schema of an answer, as both providers receive it: zod 4's own conversion of the
 * output type, without the `$schema` marker (Gemini's schema parser refuses unknown fields and
 * neither API needs it). OpenAI's strict mode wants every property required and no extra
 * properties: write agent schemas with `.nullable()`, never `.optional()`, and the fake OpenAI
 * server refuses them otherwise, as the real one does.
 */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _marker, ...jsonSchema } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw' }) as JsonSchema;
  return jsonSchema;
}

/**
 * Gemini generates properties in alphabetical order unless told otherwise; the order matters to
 * chain-of-thought (the reasoning field comes before the verdict), so each object carries the
 * non-standard `propertyOrdering` Gemini documents.
 */
export function withPropertyOrdering(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withPropertyOrdering);
  if (schema === null || typeof schema !== 'object') return schema;
  const result: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    result[key] =
      key === 'properties' && value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([name, child]) => [name, withPropertyOrdering(child)]))
        : withPropertyOrdering(value);
  }
  if (result['type'] === 'object' && result['properties'] && typeof result['properties'] === 'object') {
    result['propertyOrdering'] = Object.keys(result['properties']);
  }
  return result;
}

export type ParsedAnswer<T> = { ok: true; object: T } | { ok: false; problem: string; issues: string[] };

/** Parses a provider's text answer and checks it against the schema; says precisely what is wrong. */
export function parseAnswer<S extends z.ZodType>(text: string, schema: S): ParsedAnswer<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(stripCodeFence(text));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: 'the answer is not valid JSON', issues: [`not valid JSON: ${reason}`] };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, object: result.data };
  return { ok: false, problem: 'the answer does not match the schema', issues: formatIssues(result.error) };
}

export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

function stripCodeFence(text: string): string {
  const match = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  return match ? match[1]! : text;
}
