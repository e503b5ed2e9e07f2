import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { FakeProviderServer, estimateTokens, isRecord, type AgentRequest, type FakeBehaviour, type FakeResponse } from './fake-provider.server.js';
import { sampleFromJsonSchema } from './json-schema-sample.js';

/**
 * A local OpenAI chat-completions endpoint speaking the documented wire format: `POST
 * /v1/chat/completions` with `Authorization: Bearer`, answers `chat.completion` objects, and
 * refuses what the real API refuses (unknown arguments, missing fields, bad roles and values,
 * and, with `strict: true`, JSON Schemas outside the structured-outputs subset) with its
 * `{ error: { message, type, param, code } }` bodies. Reached through the SDK's `baseURL`.
 */
export class FakeOpenAIServer extends FakeProviderServer {
  constructor(
    readonly apiKey = 'sk-test-fake-openai-key-0123456789',
    readonly models: readonly string[] = ['gpt-4.1-mini'],
  ) {
    super();
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /**
   * The settings that put a Leadpilot process on this server alone: one attempt per call, so what
   * a spec makes the server do is what the pipeline meets, and a minute before a call times out,
   * so a held answer stays held.
   */
  leadpilotEnv(): Record<string, string> {
    return { LLM_PROVIDERS: 'openai', OPENAI_API_KEY: this.apiKey, OPENAI_BASE_URL: this.baseUrl, LLM_MAX_ATTEMPTS: '1', LLM_TIMEOUT: '60s' };
  }

  /** The messages of a recorded request, for assertions. */
  static messagesOf(body: unknown): { role: string; content: string }[] {
    return isRecord(body) && Array.isArray(body['messages']) ? (body['messages'] as { role: string; content: string }[]) : [];
  }

  protected validate(path: string, headers: http.IncomingHttpHeaders, body: unknown, rawBody: string): FakeResponse | undefined {
    const authorization = headers['authorization'];
    if (!authorization) {
      return error(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.", 'invalid_request_error', null, null);
    }
    const key = /^Bearer (.+)$/.exec(authorization)?.[1] ?? '';
    if (key !== this.apiKey) {
      // The real message echoes the key masked, first characters and last four: the client must not pass it on.
      const masked = `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
      return error(401, `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', null, 'invalid_api_key');
    }
    const [pathname] = path.split('?');
    if (pathname !== '/v1/chat/completions') return error(404, `Invalid URL (POST ${pathname})`, 'invalid_request_error', null, null);
    if (headers['content-type']?.includes('application/json') !== true || (rawBody !== '' && !isRecord(body))) {
      return error(400, 'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)', 'invalid_request_error', null, null);
    }
    if (!isRecord(body)) return error(400, 'you must provide a model parameter', 'invalid_request_error', null, null);
    return validateChatCompletion(body, this.models);
  }

  protected agentRequestOf(body: unknown): AgentRequest {
    const request = body as { response_format: { json_schema: { name: string; schema: Record<string, unknown> } } };
    const messages = FakeOpenAIServer.messagesOf(body).map((message) => ({ role: message.role, text: textOf(message.content) }));
    const conversation = messages.filter((message) => message.role === 'user' || message.role === 'assistant') as AgentRequest['messages'];
    return {
      system: messages.filter((message) => message.role === 'system' || message.role === 'developer').map((message) => message.text).join('\n'),
      messages: conversation,
      user: conversation.find((message) => message.role === 'user')?.text ?? '',
      schemaName: request.response_format.json_schema.name,
      schema: request.response_format.json_schema.schema,
    };
  }

  protected respond(behaviour: FakeBehaviour, body: unknown): FakeResponse {
    const request = body as { model: string; messages: unknown[]; response_format: { json_schema: { schema: unknown } } };
    const schema = request.response_format.json_schema.schema;
    switch (behaviour.kind) {
      case 'answer':
        return completion(request, JSON.stringify(behaviour.object ?? sampleFromJsonSchema(schema)));
      case 'schema_mismatch':
        return completion(request, JSON.stringify(behaviour.object ?? { unexpected: 'a field nobody asked for' }));
      case 'invalid_json':
        return completion(request, JSON.stringify(sampleFromJsonSchema(schema)).slice(0, 25), 'length');
      case 'refusal':
        return completion(request, null, 'stop', "I'm sorry, but I can't help with that request.");
      case 'server_error':
        return error(500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null, null);
      case 'unavailable':
        return error(503, 'The server is overloaded or not ready yet.', 'server_error', null, null);
      case 'rate_limited':
        return {
          ...error(
            429,
            `Rate limit reached for ${request.model} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${behaviour.retryAfterSeconds}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
            'requests',
            null,
            'rate_limit_exceeded',
          ),
          headers: {
            'retry-after': String(behaviour.retryAfterSeconds),
            'x-ratelimit-limit-requests': '3',
            'x-ratelimit-remaining-requests': '0',
            'x-ratelimit-reset-requests': `${behaviour.retryAfterSeconds}s`,
          },
        };
      case 'quota_exhausted':
        return error(429, 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.', 'insufficient_quota', null, 'insufficient_quota');
      case 'hang':
        throw new Error('hang is handled by the base server');
    }
  }
}

/** A message's content as text: a string, or the text parts of an array. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((part) => (isRecord(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('') : '';
}

function error(status: number, message: string, type: string, param: string | null, code: string | null): FakeResponse {
  return { status, body: { error: { message, type, param, code } }, headers: { 'x-request-id': `req_${randomUUID().replace(/-/g, '')}` } };
}

function invalid(message: string, param: string | null, code: string | null): FakeResponse {
  return error(400, message, 'invalid_request_error', param, code);
}

function completion(
  request: { model: string; messages: unknown[] },
  content: string | null,
  finishReason: 'stop' | 'length' = 'stop',
  refusal: string | null = null,
): FakeResponse {
  const promptTokens = estimateTokens(request.messages);
  const completionTokens = estimateTokens(content ?? refusal ?? '');
  return {
    status: 200,
    headers: { 'x-request-id': `req_${randomUUID().replace(/-/g, '')}`, 'openai-processing-ms': '42' },
    body: {
      id: `chatcmpl-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      // The API names the dated snapshot that answered.
      model: `${request.model}-2025-04-14`,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal, annotations: [] },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_fake0001',
    },
  };
}

const KNOWN_ARGUMENTS = new Set([
  'model', 'messages', 'temperature', 'top_p', 'n', 'stream', 'stream_options', 'stop', 'max_tokens',
  'max_completion_tokens', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs',
  'user', 'safety_identifier', 'prompt_cache_key', 'response_format', 'seed', 'tools', 'tool_choice',
  'parallel_tool_calls', 'store', 'metadata', 'reasoning_effort', 'service_tier', 'modalities', 'audio',
  'prediction', 'verbosity', 'web_search_options',
]);
const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];

function validateChatCompletion(body: Record<string, unknown>, models: readonly string[]): FakeResponse | undefined {
  for (const key of Object.keys(body)) {
    if (!KNOWN_ARGUMENTS.has(key)) return invalid(`Unrecognized request argument supplied: ${key}`, null, null);
  }
  if (body['model'] === undefined) return invalid('you must provide a model parameter', null, null);
  if (typeof body['model'] !== 'string') return invalid(`Invalid type for 'model': expected a string, but got ${typeName(body['model'])} instead.`, 'model', 'invalid_type');
  if (!models.includes(body['model'])) {
    return error(404, `The model \`${body['model']}\` does not exist or you do not have access to it.`, 'invalid_request_error', null, 'model_not_found');
  }

  const messages = body['messages'];
  if (messages === undefined) return invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(messages)) return invalid(`Invalid type for 'messages': expected an array of objects, but got ${typeName(messages)} instead.`, 'messages', 'invalid_type');
  if (messages.length === 0) return invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  for (const [index, message] of messages.entries()) {
    const param = `messages[${index}]`;
    if (!isRecord(message)) return invalid(`Invalid type for '${param}': expected an object, but got ${typeName(message)} instead.`, param, 'invalid_type');
    if (message['role'] === undefined) return invalid(`Missing required parameter: '${param}.role'.`, `${param}.role`, 'missing_required_parameter');
    if (!ROLES.includes(String(message['role']))) {
      return invalid(`Invalid value: '${String(message['role'])}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`, `${param}.role`, 'invalid_value');
    }
    const content = message['content'];
    if (content === undefined || content === null) {
      if (message['role'] !== 'assistant') return invalid(`Missing required parameter: '${param}.content'.`, `${param}.content`, 'missing_required_parameter');
    } else if (typeof content !== 'string' && !Array.isArray(content)) {
      return invalid(`Invalid type for '${param}.content': expected one of a string or array of objects, but got ${typeName(content)} instead.`, `${param}.content`, 'invalid_type');
    }
    for (const key of Object.keys(message)) {
      if (!['role', 'content', 'name', 'refusal', 'tool_calls', 'tool_call_id', 'audio', 'function_call'].includes(key)) {
        return invalid(`Unrecognized request argument supplied: ${param}.${key}`, null, null);
      }
    }
  }

  const temperature = body['temperature'];
  if (temperature !== undefined && temperature !== null) {
    if (typeof temperature !== 'number') return invalid(`Invalid type for 'temperature': expected a decimal, but got ${typeName(temperature)} instead.`, 'temperature', 'invalid_type');
    if (temperature > 2) return invalid(`Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got ${temperature} instead.`, 'temperature', 'decimal_above_max_value');
    if (temperature < 0) return invalid(`Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got ${temperature} instead.`, 'temperature', 'decimal_below_min_value');
  }
  if (body['stream'] === true) return invalid('This fake does not stream: Leadpilot never asks for a stream.', 'stream', null);

  const format = body['response_format'];
  // The real API allows no format; this application always asks for one, so its absence is our bug.
  if (format === undefined) return invalid('The fake OpenAI server only answers requests with response_format json_schema: Leadpilot always asks for one.', 'response_format', null);
  if (!isRecord(format)) return invalid(`Invalid type for 'response_format': expected an object, but got ${typeName(format)} instead.`, 'response_format', 'invalid_type');
  for (const key of Object.keys(format)) {
    if (!['type', 'json_schema'].includes(key)) return invalid(`Unknown parameter: 'response_format.${key}'.`, `response_format.${key}`, 'unknown_parameter');
  }
  if (!['text', 'json_object', 'json_schema'].includes(String(format['type']))) {
    return invalid(`Invalid value: '${String(format['type'])}'. Supported values are: 'text', 'json_object', and 'json_schema'.`, 'response_format.type', 'invalid_value');
  }
  if (format['type'] !== 'json_schema') return invalid('The fake OpenAI server only answers response_format json_schema.', 'response_format.type', null);
  const jsonSchema = format['json_schema'];
  if (!isRecord(jsonSchema)) return invalid("Missing required parameter: 'response_format.json_schema'.", 'response_format.json_schema', 'missing_required_parameter');
  for (const key of Object.keys(jsonSchema)) {
    if (!['name', 'description', 'schema', 'strict'].includes(key)) {
      return invalid(`Unknown parameter: 'response_format.json_schema.${key}'.`, `response_format.json_schema.${key}`, 'unknown_parameter');
    }
  }
  const name = jsonSchema['name'];
  if (typeof name !== 'string') return invalid("Missing required parameter: 'response_format.json_schema.name'.", 'response_format.json_schema.name', 'missing_required_parameter');
  if (name.length > 64) return invalid(`Invalid 'response_format.json_schema.name': string too long. Expected a string with maximum length 64, but got a string with length ${name.length} instead.`, 'response_format.json_schema.name', 'string_above_max_length');
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) return invalid("Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", 'response_format.json_schema.name', 'invalid_value');
  if (!isRecord(jsonSchema['schema'])) return invalid("The fake OpenAI server needs 'response_format.json_schema.schema' to answer.", 'response_format.json_schema.schema', null);
  if (jsonSchema['strict'] !== true) return invalid('The fake OpenAI server expects strict structured outputs (strict: true), as Leadpilot sends.', 'response_format.json_schema.strict', null);
  const problem = strictSchemaProblem(jsonSchema['schema']);
  if (problem) return invalid(`Invalid schema for response_format '${name}': ${problem}`, 'response_format', 'invalid_json_schema');
  return undefined;
}

const TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];
const FORMATS = ['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid'];
const NOT_PERMITTED = ['allOf', 'not', 'if', 'then', 'else', 'dependentRequired', 'dependentSchemas', 'oneOf', 'patternProperties'];

/** The structured-outputs rules for `strict: true`, worded as the API words its refusals. */
export function strictSchemaProblem(schema: Record<string, unknown>): string | undefined {
  if (schema['type'] !== 'object' || 'anyOf' in schema) {
    return `schema must be a JSON Schema of 'type: "object"', got 'type: "${String(schema['type'] ?? 'None')}"'.`;
  }
  let enumValues = 0;
  let propertyCount = 0;
  const visit = (node: unknown, context: (string | number)[], depth: number): string | undefined => {
    const where = `In context=${pythonTuple(context)}`;
    if (!isRecord(node)) return `${where}, schema must be an object.`;
    if (depth > 10) return `${where}, schema exceeds the maximum nesting depth of 10.`;
    if (typeof node['$ref'] === 'string') return undefined;
    for (const key of NOT_PERMITTED) if (key in node) return `${where}, '${key}' is not permitted.`;
    const types = Array.isArray(node['type']) ? node['type'] : node['type'] === undefined ? [] : [node['type']];
    for (const type of types) if (!TYPES.includes(String(type))) return `${where}, '${String(type)}' is not a valid type.`;
    if (types.length === 0 && !Array.isArray(node['anyOf']) && !Array.isArray(node['enum']) && !('const' in node)) {
      return `${where}, schema must have a 'type' key.`;
    }
    if (node['format'] !== undefined && !FORMATS.includes(String(node['format']))) {
      return `${where}, '${String(node['format'])}' is not a supported format.`;
    }
    if (Array.isArray(node['enum'])) enumValues += node['enum'].length;
    if (types.includes('object')) {
      const properties = isRecord(node['properties']) ? node['properties'] : {};
      if (node['additionalProperties'] !== false) return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
      const required = Array.isArray(node['required']) ? node['required'].map(String) : undefined;
      const missing = Object.keys(properties).find((key) => !required?.includes(key));
      if (required === undefined || missing !== undefined) {
        return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing ?? Object.keys(properties)[0] ?? ''}'.`;
      }
      const extra = required.find((key) => !(key in properties));
      if (extra !== undefined) return `${where}, 'required' contains '${extra}', which is not in 'properties'.`;
      for (const [key, child] of Object.entries(properties)) {
        propertyCount += 1;
        const problem = visit(child, [...context, 'properties', key], depth + 1);
        if (problem) return problem;
      }
    }
    if (types.includes('array')) {
      if (!isRecord(node['items'])) return `${where}, 'items' is required for arrays.`;
      const problem = visit(node['items'], [...context, 'items'], depth + 1);
      if (problem) return problem;
    }
    if (Array.isArray(node['anyOf'])) {
      for (const [index, variant] of node['anyOf'].entries()) {
        const problem = visit(variant, [...context, 'anyOf', index], depth + 1);
        if (problem) return problem;
      }
    }
    for (const definitions of ['$defs', 'definitions']) {
      if (isRecord(node[definitions])) {
        for (const [key, child] of Object.entries(node[definitions])) {
          const problem = visit(child, [...context, definitions, key], depth + 1);
          if (problem) return problem;
        }
      }
    }
    return undefined;
  };
  const problem = visit(schema, [], 0);
  if (problem) return problem;
  if (propertyCount > 5000) return `schema has ${propertyCount} object properties; at most 5000 are allowed.`;
  if (enumValues > 1000) return `schema has ${enumValues} enum values; at most 1000 are allowed.`;
  return undefined;
}

function pythonTuple(parts: (string | number)[]): string {
  const items = parts.map((part) => (typeof part === 'number' ? String(part) : `'${part}'`));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
