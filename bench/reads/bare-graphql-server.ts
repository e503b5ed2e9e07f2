import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import DataLoader from 'dataloader';
import { GraphQLBoolean, GraphQLFloat, GraphQLID, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, graphql } from 'graphql';
import pg from 'pg';
import { ProposalStatus } from '../../src/entities/enums.js';
import { bareLeadFields, enumOf } from '../bare-lead-fields.js';
import { LEAD_PAGE_SQL, LEAD_COUNT_SQL, PROPOSALS_BY_LEADS_SQL } from './reads-sql.js';

/**
 * The baseline of the reads benchmark: graphql-js and pg behind node:http, nothing else (no
 * framework, no authentication, no logging, no metrics). It answers `leads(first)` with nested
 * proposals with the same SQL Leadpilot sends (a count, a page, one batched query for the
 * page's proposals), prepared as Leadpilot's are, on the same database. Run as its own process:
 * `DATABASE_URL=… node dist/bench/reads/bare-graphql-server.js`; it prints its URL as one line.
 */
const ProposalType = new GraphQLObjectType<Record<string, any>>({
  name: 'Proposal',
  fields: {
    id: { type: new GraphQLNonNull(GraphQLID) },
    revision: { type: new GraphQLNonNull(GraphQLInt) },
    title: { type: new GraphQLNonNull(GraphQLString) },
    status: { type: new GraphQLNonNull(enumOf('ProposalStatus', ProposalStatus)) },
    total: { type: new GraphQLNonNull(GraphQLFloat), resolve: (row) => Number(row['total']) },
    currency: { type: new GraphQLNonNull(GraphQLString) },
    createdAt: { type: new GraphQLNonNull(GraphQLString), resolve: (row) => (row['created_at'] as Date).toISOString() },
  },
});

interface Context {
  proposals: DataLoader<string, unknown[]>;
}

const LeadType = new GraphQLObjectType<Record<string, any>, Context>({
  name: 'Lead',
  fields: {
    ...bareLeadFields<Context>(),
    proposals: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(ProposalType))), resolve: (row, _args, context) => context.proposals.load(row['id']) },
  },
});

const cursor = (id: string) => Buffer.from(`id:${id}`).toString('base64url');

const LeadConnection = new GraphQLObjectType({
  name: 'LeadConnection',
  fields: {
    totalCount: { type: new GraphQLNonNull(GraphQLInt) },
    pageInfo: {
      type: new GraphQLNonNull(new GraphQLObjectType({ name: 'PageInfo', fields: { hasNextPage: { type: new GraphQLNonNull(GraphQLBoolean) }, endCursor: { type: GraphQLString } } })),
    },
    edges: {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(new GraphQLObjectType({ name: 'LeadEdge', fields: { cursor: { type: new GraphQLNonNull(GraphQLString) }, node: { type: new GraphQLNonNull(LeadType) } } })))),
    },
  },
});

function bareSchema(pool: pg.Pool): GraphQLSchema {
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        leads: {
          type: new GraphQLNonNull(LeadConnection),
          args: { first: { type: GraphQLInt } },
          resolve: async (_root, args: { first?: number | null }) => {
            const limit = args.first ?? 20;
            const [count, page] = await Promise.all([pool.query(LEAD_COUNT_SQL), pool.query({ name: 'lead-page', text: LEAD_PAGE_SQL, values: [limit + 1] })]);
            const nodes = page.rows.slice(0, limit);
            return {
              totalCount: count.rows[0].count,
              pageInfo: { hasNextPage: page.rows.length > limit, endCursor: nodes.length ? cursor(nodes[nodes.length - 1].id) : null },
              edges: nodes.map((node) => ({ cursor: cursor(node.id), node })),
            };
          },
        },
      },
    }),
  });
}

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: process.env['DATABASE_URL'], max: Number(process.env['POOL_SIZE'] ?? 10), application_name: 'bench:bare-graphql' });
  const schema = bareSchema(pool);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      try {
        const { query, variables } = JSON.parse(Buffer.concat(chunks).toString()) as { query: string; variables?: Record<string, unknown> };
        const contextValue: Context = {
          proposals: new DataLoader(async (ids) => {
            const { rows } = await pool.query({ name: 'proposals-by-leads', text: PROPOSALS_BY_LEADS_SQL, values: [ids] });
            const groups = new Map<string, unknown[]>(ids.map((id) => [id, []]));
            for (const row of rows) groups.get(row.lead_id)?.push(row);
            return ids.map((id) => groups.get(id)!);
          }),
        };
        const result = await graphql({ schema, source: query, variableValues: variables ?? null, contextValue });
        const body = JSON.stringify(result);
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        response.end(body);
      } catch (error) {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ errors: [{ message: String(error) }] }));
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` })}\n`);
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void pool.end().then(() => process.exit(0));
  });
}

await main();
