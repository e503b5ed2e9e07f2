import { isRecord } from './fake-provider.server.js';

/**
 * A small valid instance of a JSON Schema, for the fakes' default answer: what a model
 * constrained to the schema might return. Covers the subset both providers accept.
 */
export function sampleFromJsonSchema(schema: unknown, root: unknown = schema, depth = 0): unknown {
  if (!isRecord(schema) || depth > 12) return null;
  if (typeof schema['$ref'] === 'string') return sampleFromJsonSchema(resolveRef(root, schema['$ref']), root, depth + 1);
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  const variants = (schema['anyOf'] ?? schema['oneOf']) as unknown;
  if (Array.isArray(variants)) {
    const chosen = variants.find((variant) => !(isRecord(variant) && variant['type'] === 'null')) ?? variants[0];
    return sampleFromJsonSchema(chosen, root, depth + 1);
  }
  const types = Array.isArray(schema['type']) ? (schema['type'] as string[]) : [schema['type'] as string | undefined];
  const type = types.find((candidate) => candidate !== 'null') ?? types[0];
  switch (type) {
    case 'object': {
      const properties = isRecord(schema['properties']) ? schema['properties'] : {};
      return Object.fromEntries(Object.entries(properties).map(([name, child]) => [name, sampleFromJsonSchema(child, root, depth + 1)]));
    }
    case 'array': {
      const count = Math.max(1, Number(schema['minItems'] ?? 1));
      return Array.from({ length: count }, () => sampleFromJsonSchema(schema['items'], root, depth + 1));
    }
    case 'integer':
    case 'number': {
      const minimum = typeof schema['minimum'] === 'number' ? schema['minimum'] : 0;
      const maximum = typeof schema['maximum'] === 'number' ? schema['maximum'] : minimum + 100;
      const middle = (minimum + maximum) / 2;
      return type === 'integer' ? Math.round(middle) : middle;
    }
    case 'boolean':
      return true;
    case 'string': {
      if (schema['format'] === 'date-time') return '2026-11-25T10:00:00Z';
      if (schema['format'] === 'email') return 'someone@example.com';
      if (schema['format'] === 'uuid') return '00000000-0000-4000-8000-000000000000';
      const minimum = Number(schema['minLength'] ?? 0);
      const text = 'sample answer';
      return text.length >= minimum ? text : text.padEnd(minimum, '.');
    }
    case 'null':
      return null;
    default:
      return null;
  }
}

function resolveRef(root: unknown, ref: string): unknown {
  if (ref === '#') return root;
  let current: unknown = root;
  for (const part of ref.replace(/^#\//, '').split('/')) {
    if (!isRecord(current)) return undefined;
    current = current[decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~'))];
  }
  return current;
}
