import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeGeminiServer } from '../../fakes/fake-gemini.server.js';
import { FakeOpenAIServer } from '../../fakes/fake-openai.server.js';

/** The fakes must refuse what the real APIs refuse, or a wrong request would pass the tests. */

const strictSchema = {
  type: 'object',
  properties: { answer: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
  required: ['answer', 'tags'],
  additionalProperties: false,
};

describe(FakeOpenAIServer.name, () => {
  const fake = new FakeOpenAIServer();
  before(() => fake.start());
  after(() => fake.close());

  const post = async (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${fake.apiKey}` }) => {
    const response = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, error: ((await response.json()) as { error?: { message: string; code: string | null; param: string | null } }).error };
  };
  const valid = {
    model: 'gpt-4.1-mini',
    messages: [{ role: 'user', content: 'Hi' }],
    response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: strictSchema } },
  };

  it('answers a valid structured-output request', async () => {
    assert.equal((await post(valid)).status, 200);
  });

  it('refuses what the real API refuses, with its error body', async () => {
    const cases: [unknown, number, RegExp, Record<string, string>?][] = [
      [valid, 401, /You didn't provide an API key/, {}],
      [{ ...valid, foo: 1 }, 400, /Unrecognized request argument supplied: foo/],
      [{ ...valid, model: undefined }, 400, /you must provide a model parameter/],
      [{ ...valid, model: 'gpt-9' }, 404, /does not exist or you do not have access/],
      [{ ...valid, messages: [] }, 400, /empty array/],
      [{ ...valid, messages: [{ role: 'robot', content: 'x' }] }, 400, /Invalid value: 'robot'/],
      [{ ...valid, temperature: 3 }, 400, /decimal above maximum value/],
      [{ ...valid, response_format: { type: 'json_schema', json_schema: valid.response_format.json_schema, strict: true } }, 400, /Unknown parameter: 'response_format.strict'/],
      [{ ...valid, response_format: { type: 'json_schema', json_schema: { ...valid.response_format.json_schema, name: 'has spaces' } } }, 400, /string does not match pattern/],
      [{ ...valid, response_format: { type: 'json_schema', json_schema: { ...valid.response_format.json_schema, schema: { ...strictSchema, additionalProperties: true } } } }, 400, /In context=\(\), 'additionalProperties' is required to be supplied and to be false/],
      [{ ...valid, response_format: { type: 'json_schema', json_schema: { ...valid.response_format.json_schema, schema: { ...strictSchema, required: ['answer'] } } } }, 400, /Missing 'tags'/],
      [{ ...valid, response_format: { type: 'json_schema', json_schema: { ...valid.response_format.json_schema, schema: { ...strictSchema, properties: { answer: { oneOf: [{ type: 'string' }] }, tags: strictSchema.properties.tags } } } } }, 400, /In context=\('properties', 'answer'\), 'oneOf' is not permitted/],
      [{ ...valid, response_format: { type: 'json_schema', json_schema: { ...valid.response_format.json_schema, schema: { anyOf: [strictSchema] } } } }, 400, /schema must be a JSON Schema of 'type: "object"'/],
    ];
    for (const [body, status, message, headers] of cases) {
      const answer = await post(body, headers);
      assert.equal(answer.status, status, String(message));
      assert.match(answer.error?.message ?? '', message);
    }
  });
});

describe(FakeGeminiServer.name, () => {
  const fake = new FakeGeminiServer();
  before(() => fake.start());
  after(() => fake.close());

  const post = async (body: unknown, key: string | null = fake.apiKey, model = 'gemini-2.5-flash') => {
    const response = await fetch(`${fake.baseUrl}/v1beta/models/${model}:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-goog-api-key': key } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, error: ((await response.json()) as { error?: { message: string; status: string } }).error };
  };
  const valid = {
    contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
    generationConfig: { responseMimeType: 'application/json', responseJsonSchema: strictSchema },
  };

  it('answers a valid JSON request', async () => {
    assert.equal((await post(valid)).status, 200);
  });

  it('refuses what the real API refuses, with its error body', async () => {
    const cases: [() => ReturnType<typeof post>, number, string, RegExp][] = [
      [() => post(valid, null), 403, 'PERMISSION_DENIED', /unregistered callers/],
      [() => post(valid, 'AIzaWrong'), 400, 'INVALID_ARGUMENT', /API key not valid/],
      [() => post(valid, fake.apiKey, 'gemini-9'), 404, 'NOT_FOUND', /models\/gemini-9 is not found/],
      [() => post({ ...valid, foo: 1 }), 400, 'INVALID_ARGUMENT', /Unknown name "foo": Cannot find field/],
      [() => post({ ...valid, contents: [] }), 400, 'INVALID_ARGUMENT', /contents is not specified/],
      [() => post({ ...valid, contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }), 400, 'INVALID_ARGUMENT', /valid role: user, model/],
      [() => post({ ...valid, contents: [{ role: 'user', parts: [] }] }), 400, 'INVALID_ARGUMENT', /parts must not be empty/],
      [() => post({ ...valid, generationConfig: { responseJsonSchema: strictSchema } }), 400, 'INVALID_ARGUMENT', /response_mime_type must be set to application\/json/],
      [() => post({ ...valid, generationConfig: { ...valid.generationConfig, responseSchema: { type: 'OBJECT' } } }), 400, 'INVALID_ARGUMENT', /cannot both be set/],
      [() => post({ ...valid, generationConfig: { ...valid.generationConfig, temperature: 5 } }), 400, 'INVALID_ARGUMENT', /temperature must be in the range/],
      [() => post({ ...valid, generationConfig: { ...valid.generationConfig, responseJsonSchema: { type: 'object', properties: { a: { $ref: '#/$defs/x', type: 'string' } } } } }), 400, 'INVALID_ARGUMENT', /when \$ref is set/],
    ];
    for (const [call, status, code, message] of cases) {
      const answer = await call();
      assert.equal(answer.status, status, String(message));
      assert.equal(answer.error?.status, code, String(message));
      assert.match(answer.error?.message ?? '', message);
    }
  });
});
