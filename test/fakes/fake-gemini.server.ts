import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { FakeProviderServer, estimateTokens, isRecord, type AgentRequest, type FakeBehaviour, type FakeResponse } from './fake-provider.server.js';
import { sampleFromJsonSchema } from './json-schema-sample.js';

/**
 * A local Gemini API endpoint speaking the documented wire format: `POST
 * /v1beta/models/{model}:generateContent` with `x-goog-api-key`, answers `GenerateContentResponse`
 * objects, and refuses what the real API refuses (unknown fields, missing contents, bad roles,
 * a schema without the JSON MIME type, both schema fields at once, a `$ref` with siblings) with
 * Google's `{ error: { code, message, status, details } }` bodies. Reached through the SDK's
 * `httpOptions.baseUrl`.
 */
export class FakeGeminiServer extends FakeProviderServer {
  constructor(
    readonly apiKey = 'AIzaFakeGeminiKey-0123456789abcdefghij',
    readonly models: readonly string[] = ['gemini-2.5-flash'],
  ) {
    super();
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The text of every content of a recorded request, for assertions. */
  static textsOf(body: unknown): { role: string; text: string }[] {
    if (!isRecord(body) || !Array.isArray(body['contents'])) return [];
    return (body['contents'] as { role: string; parts: { text?: string }[] }[]).map((content) => ({
      role: content.role,
      text: content.parts.map((part) => part.text ?? '').join(''),
    }));
  }

  protected validate(path: string, headers: http.IncomingHttpHeaders, body: unknown, rawBody: string): FakeResponse | undefined {
    const url = new URL(path, 'http://fake');
    const key = headers['x-goog-api-key'] ?? url.searchParams.get('key');
    if (!key) {
      return googleError(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
    }
    if (key !== this.apiKey) {
      return googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
      ]);
    }
    const match = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(url.pathname);
    if (!match) return googleError(404, 'NOT_FOUND', `The fake Gemini server has no ${url.pathname}: Leadpilot calls models/{model}:generateContent only.`);
    if (!this.models.includes(match[1]!)) {
      return googleError(404, 'NOT_FOUND', `models/${match[1]} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`);
    }
    if (!isRecord(body)) {
      return googleError(400, 'INVALID_ARGUMENT', rawBody === '' ? '* GenerateContentRequest.contents: contents is not specified\n' : 'Invalid JSON payload received. Unexpected token.');
    }
    return validateGenerateContent(body);
  }

  protected agentRequestOf(body: unknown): AgentRequest {
    const request = normalise(body);
    const instruction = normalise(request['systemInstruction']);
    const system = Array.isArray(instruction['parts']) ? (instruction['parts'] as { text?: string }[]).map((part) => part.text ?? '').join('') : '';
    const messages = FakeGeminiServer.textsOf(body).map((content) => ({ role: content.role === 'model' ? ('assistant' as const) : ('user' as const), text: content.text }));
    const schema = normalise(request['generationConfig'])['responseJsonSchema'];
    return { system, messages, user: messages.find((message) => message.role === 'user')?.text ?? '', schemaName: null, schema: isRecord(schema) ? schema : {} };
  }

  protected respond(behaviour: FakeBehaviour, body: unknown, path: string): FakeResponse {
    const request = body as Record<string, unknown>;
    const model = /models\/([^/:]+):/.exec(path)?.[1] ?? 'unknown';
    const config = normalise(request['generationConfig'] ?? request['generation_config']);
    const schema = config['responseJsonSchema'];
    switch (behaviour.kind) {
      case 'answer':
        return answer(request, model, JSON.stringify(behaviour.object ?? sampleFromJsonSchema(schema)));
      case 'schema_mismatch':
        return answer(request, model, JSON.stringify(behaviour.object ?? { unexpected: 'a field nobody asked for' }));
      case 'invalid_json':
        return answer(request, model, JSON.stringify(sampleFromJsonSchema(schema)).slice(0, 25), 'MAX_TOKENS');
      case 'refusal':
        return answer(request, model, '', 'SAFETY');
      case 'server_error':
        return googleError(500, 'INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting');
      case 'unavailable':
        return googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
      case 'rate_limited':
        return googleError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.', [
          quotaFailure('GenerateRequestsPerMinutePerProjectPerModel-FreeTier', 'generate_content_free_tier_requests', model, '10'),
          { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${behaviour.retryAfterSeconds}s` },
        ]);
      case 'quota_exhausted':
        return googleError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.', [
          quotaFailure('GenerateRequestsPerDayPerProjectPerModel-FreeTier', 'generate_content_free_tier_requests', model, '250'),
          { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
          // A daily quota also comes with a retry hint; the client must not take it for a short wait.
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '43s' },
        ]);
      case 'hang':
        throw new Error('hang is handled by the base server');
    }
  }
}

function googleError(code: number, status: string, message: string, details?: unknown[]): FakeResponse {
  return { status: code, body: { error: { code, message, status, ...(details ? { details } : {}) } } };
}

function quotaFailure(quotaId: string, metric: string, model: string, value: string) {
  return {
    '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
    violations: [
      {
        quotaMetric: `generativelanguage.googleapis.com/${metric}`,
        quotaId,
        quotaDimensions: { location: 'global', model },
        quotaValue: value,
      },
    ],
  };
}

function answer(request: Record<string, unknown>, model: string, text: string, finishReason = 'STOP'): FakeResponse {
  const promptTokens = estimateTokens([request['systemInstruction'] ?? request['system_instruction'], request['contents']]);
  const outputTokens = estimateTokens(text);
  const thoughtsTokens = 12;
  return {
    status: 200,
    body: {
      candidates: [{ content: { parts: text === '' ? [] : [{ text }], role: 'model' }, finishReason, index: 0 }],
      usageMetadata: {
        promptTokenCount: promptTokens,
        candidatesTokenCount: outputTokens,
        thoughtsTokenCount: thoughtsTokens,
        totalTokenCount: promptTokens + outputTokens + thoughtsTokens,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
      },
      modelVersion: model,
      responseId: randomUUID().replace(/-/g, '').slice(0, 22),
    },
  };
}

const REQUEST_FIELDS = ['contents', 'systemInstruction', 'generationConfig', 'safetySettings', 'tools', 'toolConfig', 'cachedContent'];
const CONFIG_FIELDS = [
  'stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseModalities', 'candidateCount',
  'maxOutputTokens', 'temperature', 'topP', 'topK', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseLogprobs',
  'logprobs', 'enableEnhancedCivicAnswers', 'speechConfig', 'thinkingConfig', 'mediaResolution',
];
const MIME_TYPES = ['text/plain', 'application/json', 'application/xml', 'application/yaml', 'text/x.enum'];

/** Protocol-buffer JSON accepts lowerCamelCase and snake_case names alike. */
function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function normalise(value: unknown): Record<string, unknown> {
  return isRecord(value) ? Object.fromEntries(Object.entries(value).map(([key, child]) => [camel(key), child])) : {};
}

function unknownName(name: string, at?: string): FakeResponse {
  return googleError(400, 'INVALID_ARGUMENT', `Invalid JSON payload received. Unknown name "${name}"${at ? ` at '${at}'` : ''}: Cannot find field.`, [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: at ?? '', description: `Invalid JSON payload received. Unknown name "${name}"${at ? ` at '${at}'` : ''}: Cannot find field.` }] },
  ]);
}

function invalid(message: string): FakeResponse {
  return googleError(400, 'INVALID_ARGUMENT', message);
}

function validateGenerateContent(body: Record<string, unknown>): FakeResponse | undefined {
  for (const key of Object.keys(body)) if (!REQUEST_FIELDS.includes(camel(key))) return unknownName(key);
  const request = normalise(body);

  const contents = request['contents'];
  if (!Array.isArray(contents) || contents.length === 0) return invalid('* GenerateContentRequest.contents: contents is not specified\n');
  for (const [index, content] of contents.entries()) {
    const problem = validateContent(content, `contents[${index}]`);
    if (problem) return problem;
  }
  if (request['systemInstruction'] !== undefined) {
    const problem = validateContent(request['systemInstruction'], 'system_instruction');
    if (problem) return problem;
  }

  const rawConfig = request['generationConfig'];
  if (rawConfig !== undefined && !isRecord(rawConfig)) return invalid(`Invalid value at 'generation_config' (type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig), ${JSON.stringify(rawConfig)}`);
  for (const key of Object.keys(rawConfig ?? {})) if (!CONFIG_FIELDS.includes(camel(key))) return unknownName(key, 'generation_config');
  const config = normalise(rawConfig);
  const temperature = config['temperature'];
  if (temperature !== undefined && (typeof temperature !== 'number' || temperature < 0 || temperature > 2)) {
    return invalid('* GenerateContentRequest.generation_config.temperature: temperature must be in the range [0.0, 2.0]\n');
  }
  const mimeType = config['responseMimeType'];
  if (mimeType !== undefined && !MIME_TYPES.includes(String(mimeType))) {
    return invalid('* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are `text/plain`, `application/json`, `application/xml`, `application/yaml` and `text/x.enum`.\n');
  }
  const hasSchema = config['responseSchema'] !== undefined;
  const hasJsonSchema = config['responseJsonSchema'] !== undefined;
  if (hasSchema && hasJsonSchema) {
    return invalid('* GenerateContentRequest.generation_config.response_json_schema: response_json_schema and response_schema cannot both be set.\n');
  }
  if ((hasSchema || hasJsonSchema) && mimeType !== 'application/json' && mimeType !== 'text/x.enum') {
    return invalid(`* GenerateContentRequest.generation_config.response_mime_type: When using ${hasSchema ? 'response_schema' : 'response_json_schema'}, response_mime_type must be set to application/json or text/x.enum.\n`);
  }
  // The real API answers without a schema too; this application never asks without one.
  if (!hasJsonSchema || mimeType !== 'application/json') {
    return invalid('The fake Gemini server only answers JSON against responseJsonSchema (responseMimeType application/json): Leadpilot always asks for it.');
  }
  const problem = jsonSchemaProblem(config['responseJsonSchema'], 'generation_config.response_json_schema');
  return problem ? invalid(`* GenerateContentRequest.${problem}\n`) : undefined;
}

function validateContent(content: unknown, at: string): FakeResponse | undefined {
  if (!isRecord(content)) return invalid(`Invalid value at '${at}' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content), ${JSON.stringify(content)}`);
  for (const key of Object.keys(content)) if (!['role', 'parts'].includes(key)) return unknownName(key, at);
  const role = content['role'];
  if (role !== undefined && role !== 'user' && role !== 'model') return invalid('Please use a valid role: user, model.');
  const parts = content['parts'];
  if (!Array.isArray(parts) || parts.length === 0) return invalid(`* GenerateContentRequest.${at}.parts: contents.parts must not be empty.\n`);
  for (const [index, part] of parts.entries()) {
    if (!isRecord(part)) return invalid(`Invalid value at '${at}.parts[${index}]'`);
    for (const key of Object.keys(part)) {
      if (!['text', 'inlineData', 'inline_data', 'fileData', 'file_data', 'thought', 'thoughtSignature', 'thought_signature'].includes(key)) {
        return unknownName(key, `${at}.parts[${index}]`);
      }
    }
    if (part['text'] !== undefined && typeof part['text'] !== 'string') return invalid(`Invalid value at '${at}.parts[${index}].text' (TYPE_STRING), ${JSON.stringify(part['text'])}`);
    if (part['text'] === undefined && part['inlineData'] === undefined && part['inline_data'] === undefined && part['fileData'] === undefined && part['file_data'] === undefined) {
      return invalid(`* GenerateContentRequest.${at}.parts[${index}].data: required oneof field 'data' must have one initialized field\n`);
    }
  }
  return undefined;
}

const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

/** What the documented JSON Schema support refuses outright; unsupported keywords are ignored, as documented. */
function jsonSchemaProblem(node: unknown, at: string, depth = 0): string | undefined {
  if (!isRecord(node)) return `${at}: schema must be an object`;
  if (depth > 32) return `${at}: schema nesting is too deep`;
  if (typeof node['$ref'] === 'string') {
    const sibling = Object.keys(node).find((key) => !key.startsWith('$'));
    return sibling ? `${at}: when $ref is set, no other properties except those starting with $ may be set (found "${sibling}")` : undefined;
  }
  const types = Array.isArray(node['type']) ? node['type'] : node['type'] === undefined ? [] : [node['type']];
  for (const type of types) if (!JSON_TYPES.includes(String(type))) return `${at}.type: unknown type "${String(type)}"`;
  if (Array.isArray(node['enum']) && node['enum'].some((value) => typeof value !== 'string' && typeof value !== 'number' && value !== null)) {
    return `${at}.enum: enum values must be strings or numbers`;
  }
  if (node['properties'] !== undefined) {
    if (!isRecord(node['properties'])) return `${at}.properties: must be an object`;
    for (const [key, child] of Object.entries(node['properties'])) {
      const problem = jsonSchemaProblem(child, `${at}.properties[${key}]`, depth + 1);
      if (problem) return problem;
    }
    if (node['propertyOrdering'] !== undefined) {
      const ordering = node['propertyOrdering'];
      if (!Array.isArray(ordering) || ordering.some((name) => !(String(name) in (node['properties'] as object)))) {
        return `${at}.property_ordering: every name must be a property of the object`;
      }
    }
  }
  if (node['required'] !== undefined && !Array.isArray(node['required'])) return `${at}.required: must be an array of strings`;
  if (node['items'] !== undefined) {
    const problem = jsonSchemaProblem(node['items'], `${at}.items`, depth + 1);
    if (problem) return problem;
  }
  for (const keyword of ['anyOf', 'oneOf', 'prefixItems']) {
    if (node[keyword] === undefined) continue;
    if (!Array.isArray(node[keyword])) return `${at}.${keyword}: must be an array`;
    for (const [index, child] of (node[keyword] as unknown[]).entries()) {
      const problem = jsonSchemaProblem(child, `${at}.${keyword}[${index}]`, depth + 1);
      if (problem) return problem;
    }
  }
  if (isRecord(node['$defs'])) {
    for (const [key, child] of Object.entries(node['$defs'])) {
      const problem = jsonSchemaProblem(child, `${at}.$defs[${key}]`, depth + 1);
      if (problem) return problem;
    }
  }
  return undefined;
}
