import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { RoleAuthChecker } from '../../../src/auth/auth-checker.js';
import { isAllowed } from '../../../src/auth/principal.js';
import { Role } from '../../../src/entities/enums.js';
import { buildLeadpilotSchema } from '../../../src/schema/build-schema.js';
import { errorCodes, graphql } from '../../helpers/graphql.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const SOME_ID = '00000000-0000-4000-8000-000000000000';

/** The roles @Authorized names on a mutation (on the method, or on its resolver class); undefined: not guarded at all. */
function requiredRoles(mutationName: string): Role[] | undefined {
  const storage = getMetadataStorage();
  const mutation = storage.mutations.find((candidate) => candidate.schemaName === mutationName);
  if (!mutation) return undefined;
  const onMethod = storage.authorizedFields.find((entry) => entry.target === mutation.target && entry.fieldName === mutation.methodName);
  const onClass = storage.authorizedResolver.find((entry) => entry.target === mutation.target);
  return (onMethod ?? onClass)?.roles as Role[] | undefined;
}

/** A literal of the argument's type that GraphQL accepts, so only the resolver's guard can refuse it. */
function sampleLiteral(type: GraphQLInputType): string {
  if (isNonNullType(type)) return sampleLiteral(type.ofType);
  if (isListType(type)) return `[${sampleLiteral(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((field) => isNonNullType(field.type) && field.defaultValue === undefined);
    return `{ ${fields.map((field) => `${field.name}: ${sampleLiteral(field.type)}`).join(', ')} }`;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return `"${SOME_ID}"`;
      case 'Int':
      case 'Float':
        return '1';
      case 'Boolean':
        return 'false';
      case 'DateTime':
        return '"2099-01-01T00:00:00Z"';
      case 'JSON':
      case 'JSONObject':
        return '{}';
      default:
        return '"sample"';
    }
  }
  throw new Error(`no sample for ${String(type)}`);
}

function mutationDocument(field: GraphQLField<unknown, unknown>, extraArguments: Record<string, string> = {}): string {
  const args = field.args.filter((arg) => isNonNullType(arg.type)).map((arg) => `${arg.name}: ${sampleLiteral(arg.type)}`);
  args.push(...Object.entries(extraArguments).map(([name, literal]) => `${name}: ${literal}`));
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  return `mutation { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
}

describe(RoleAuthChecker.name, () => {
  let schema: GraphQLSchema;
  let mutations: GraphQLField<unknown, unknown>[];
  let server: TestServer;

  before(async () => {
    schema = await buildLeadpilotSchema();
    mutations = Object.values(schema.getMutationType()!.getFields());
    server = await startTestServer();
  });
  after(() => server.stop());

  it('guards every mutation in the schema with a role', () => {
    assert.ok(mutations.length >= 15, `found ${mutations.length} mutations`);
    const unguarded = mutations.filter((field) => requiredRoles(field.name) === undefined).map((field) => field.name);
    assert.deepEqual(unguarded, [], 'every mutation carries @Authorized');
  });

  it('refuses every mutation to every role below the one it needs, and to a caller without a key', async () => {
    const refusals: string[] = [];
    for (const field of mutations) {
      const allowed = requiredRoles(field.name)!;
      const document = mutationDocument(field);
      const anonymous = await graphql(server.graphqlUrl, document);
      assert.deepEqual(errorCodes(anonymous), ['UNAUTHENTICATED'], `${field.name} without a key`);
      for (const role of Object.values(Role)) {
        const response = await graphql(server.graphqlUrl, document, { key: server.keys[role] });
        const codes = errorCodes(response);
        if (isAllowed(role, allowed)) {
          // Past the guard: it may still refuse the sample arguments, but not for the role, and never with a fault of ours.
          assert.ok(!codes.some((code) => code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' || code === 'INTERNAL_SERVER_ERROR'), `${field.name} as ${role}: ${JSON.stringify(response.errors)}`);
        } else {
          assert.deepEqual(codes, ['FORBIDDEN'], `${field.name} as ${role}`);
          assert.equal(response.data?.[field.name] ?? null, null);
          refusals.push(`${field.name}:${role}`);
        }
      }
    }
    assert.ok(refusals.length > mutations.length, `${refusals.length} refusals checked`);
  });

  it('refuses onBehalfOf from a key that is not a delegate, on every mutation that takes it', async () => {
    const withOnBehalfOf = mutations.filter((field) => field.args.some((arg) => arg.name === 'onBehalfOf'));
    assert.ok(withOnBehalfOf.length >= 2, withOnBehalfOf.map((field) => field.name).join(', '));
    for (const field of withOnBehalfOf) {
      for (const role of [Role.APPROVER, Role.ADMIN]) {
        const response = await graphql(server.graphqlUrl, mutationDocument(field, { onBehalfOf: '"slack:U123"' }), { key: server.keys[role] });
        assert.deepEqual(errorCodes(response), ['FORBIDDEN'], `${field.name} as a ${role} key without delegate`);
        assert.match(response.errors![0]!.message, /delegate/);
      }
    }
    const [{ count }] = await server.dataSource.query(`SELECT count(*)::int AS count FROM approval_decisions`);
    assert.equal(count, 0, 'nothing was decided');
  });

  it('refuses an expired and a revoked key on HTTP, before any resolver runs', async () => {
    const expiring = await server.services.apiKeys.create({ name: 'expiring', role: Role.ADMIN, expiresAt: new Date(Date.now() + 60_000) });
    await server.dataSource.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.apiKey.id]);
    const revoked = await server.services.apiKeys.create({ name: 'revoked', role: Role.ADMIN });
    await server.services.apiKeys.revoke(revoked.apiKey.id);
    for (const [what, key] of [['expired', expiring.key], ['revoked', revoked.key]] as const) {
      const read = await graphql(server.graphqlUrl, '{ leads { totalCount } }', { key });
      assert.deepEqual(errorCodes(read), ['UNAUTHENTICATED'], `${what} key reading`);
      assert.match(read.errors![0]!.message, new RegExp(what));
      const write = await graphql(server.graphqlUrl, 'mutation { createApiKey(name: "escalated", role: ADMIN) { key } }', { key });
      assert.deepEqual(errorCodes(write), ['UNAUTHENTICATED'], `${what} key writing`);
    }
    const [{ count }] = await server.dataSource.query(`SELECT count(*)::int AS count FROM api_keys WHERE name = 'escalated'`);
    assert.equal(count, 0);
  });
});
