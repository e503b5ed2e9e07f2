import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHubSpotObject {
  id: string;
  properties: Record<string, string>;
  associations: { toId: string; typeId: number }[];
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface FakeHubSpotCall {
  method: string;
  path: string;
  status: number;
  body: any;
}

type ObjectType = 'contacts' | 'deals' | 'notes';

/** The properties the fake portal knows (HubSpot refuses others with PROPERTY_DOESNT_EXIST). */
const KNOWN_PROPERTIES: Record<ObjectType, Set<string>> = {
  contacts: new Set(['email', 'firstname', 'lastname', 'company', 'website', 'phone', 'leadpilot_lead_id']),
  deals: new Set(['dealname', 'dealstage', 'pipeline', 'amount', 'deal_currency_code', 'leadpilot_lead_id']),
  notes: new Set(['hs_note_body', 'hs_timestamp']),
};
const DEAL_STAGES = new Set(['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost']);

/**
 * A local HubSpot CRM API speaking its v3 JSON wire format: `crm/v3/objects/{contacts,deals,notes}`
 * (create, read, update, archive, search with filterGroups), contacts' `gdpr-delete`, and the
 * Conversations messages read. Private-app token as `Authorization: Bearer`; HubSpot's error
 * bodies (`{ status: 'error', message, category }`); 429 with Retry-After when asked. It can also
 * lose the answer to a create it performed (`loseNextCreateAnswer`), as a crash between HubSpot's
 * commit and our write would. Reached through the client's `basePath`.
 */
export class FakeHubSpotServer {
  readonly calls: FakeHubSpotCall[] = [];
  readonly objects: Record<ObjectType, Map<string, FakeHubSpotObject>> = { contacts: new Map(), deals: new Map(), notes: new Map() };
  /** Conversation messages by `${threadId}/${messageId}`. */
  readonly messages = new Map<string, Record<string, unknown>>();
  readonly purged: string[] = [];
  port = 0;
  private server: Server | undefined;
  private sequence = 1000;
  private rateLimited = 0;
  private retryAfterSeconds = 1;
  private loseCreates = 0;

  constructor(readonly token = 'pat-eu1-fake-hubspot-token') {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `count` requests are answered 429 (TEN_SECONDLY_ROLLING) with Retry-After. */
  rateLimitNext(count: number, retryAfterSeconds = 1): void {
    this.rateLimited = count;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The next create is performed, and its answer replaced by a 502 (the caller cannot know the id). */
  loseNextCreateAnswer(): void {
    this.loseCreates += 1;
  }

  live(type: ObjectType): FakeHubSpotObject[] {
    return [...this.objects[type].values()].filter((object) => !object.archived);
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => this.send(response, request, 500, { status: 'error', message: String(error), category: 'INTERNAL_ERROR' }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : undefined;
    const url = new URL(request.url ?? '/', this.baseUrl);
    const method = request.method ?? 'GET';
    const record = (status: number, answer: unknown) => {
      this.calls.push({ method, path: url.pathname, status, body });
      this.send(response, request, status, answer);
    };

    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return record(401, { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' });
    }
    if (this.rateLimited > 0) {
      this.rateLimited -= 1;
      response.setHeader('retry-after', String(this.retryAfterSeconds));
      return record(429, { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING', correlationId: randomUUID() });
    }

    const message = /^\/conversations\/v3\/conversations\/threads\/([^/]+)\/messages\/([^/]+)$/.exec(url.pathname);
    if (message && method === 'GET') {
      const found = this.messages.get(`${message[1]}/${message[2]}`);
      return found ? record(200, found) : record(404, { status: 'error', message: 'Message not found', category: 'OBJECT_NOT_FOUND' });
    }

    const match = /^\/crm\/v3\/objects\/(contacts|deals|notes)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return record(404, { status: 'error', message: `No route for ${method} ${url.pathname}`, category: 'OBJECT_NOT_FOUND' });
    const type = match[1] as ObjectType;
    const id = match[2];
    const store = this.objects[type];

    if (id === 'search' && method === 'POST') return record(200, this.search(type, body));
    if (id === 'gdpr-delete' && method === 'POST' && type === 'contacts') {
      const contact = store.get(String(body?.objectId));
      if (!contact) return record(404, { status: 'error', message: 'Object not found', category: 'OBJECT_NOT_FOUND' });
      store.delete(contact.id);
      this.purged.push(contact.id);
      return record(204, undefined);
    }
    if (!id && method === 'POST') {
      const problem = this.invalid(type, body?.properties ?? {});
      if (problem) return record(400, { status: 'error', message: problem, category: 'VALIDATION_ERROR' });
      if (type === 'contacts' && body.properties.email && this.live('contacts').some((contact) => contact.properties.email?.toLowerCase() === body.properties.email.toLowerCase())) {
        return record(409, { status: 'error', message: 'Contact already exists. Existing ID: …', category: 'CONFLICT' });
      }
      const now = new Date().toISOString();
      const object: FakeHubSpotObject = {
        id: String((this.sequence += 1)),
        properties: { ...body.properties },
        associations: (body.associations ?? []).flatMap((association: { to: { id: string }; types: { associationTypeId: number }[] }) =>
          association.types.map((kind) => ({ toId: String(association.to.id), typeId: kind.associationTypeId })),
        ),
        createdAt: now,
        updatedAt: now,
        archived: false,
      };
      store.set(object.id, object);
      if (this.loseCreates > 0) {
        this.loseCreates -= 1;
        return record(502, { status: 'error', message: 'Bad gateway', category: 'INTERNAL_ERROR' });
      }
      return record(201, this.shown(object));
    }
    const object = id ? store.get(id) : undefined;
    if (!object || object.archived) return record(404, { status: 'error', message: 'Object not found', category: 'OBJECT_NOT_FOUND' });
    if (method === 'GET') return record(200, this.shown(object));
    if (method === 'PATCH') {
      const problem = this.invalid(type, body?.properties ?? {});
      if (problem) return record(400, { status: 'error', message: problem, category: 'VALIDATION_ERROR' });
      Object.assign(object.properties, body.properties);
      object.updatedAt = new Date().toISOString();
      return record(200, this.shown(object));
    }
    if (method === 'DELETE') {
      object.archived = true;
      return record(204, undefined);
    }
    return record(405, { status: 'error', message: 'Method not allowed', category: 'VALIDATION_ERROR' });
  }

  private invalid(type: ObjectType, properties: Record<string, unknown>): string | null {
    for (const [name, value] of Object.entries(properties)) {
      if (!KNOWN_PROPERTIES[type].has(name)) return `Property "${name}" does not exist (PROPERTY_DOESNT_EXIST)`;
      if (typeof value !== 'string') return `Property "${name}" must be a string`;
    }
    if (type === 'deals' && properties.dealstage && !DEAL_STAGES.has(String(properties.dealstage))) return `${String(properties.dealstage)} is not a valid deal stage`;
    if (type === 'deals' && properties.amount && Number.isNaN(Number(properties.amount))) return 'amount must be a number';
    return null;
  }

  private search(type: ObjectType, body: any) {
    const groups: { filters: { propertyName: string; operator: string; value: string }[] }[] = body?.filterGroups ?? [];
    const matches = this.live(type).filter((object) =>
      groups.some((group) =>
        group.filters.every((filter) => {
          if (filter.operator !== 'EQ') throw new Error(`the fake supports EQ only, got ${filter.operator}`);
          return (object.properties[filter.propertyName] ?? '').toLowerCase() === String(filter.value).toLowerCase();
        }),
      ),
    );
    const limit = Math.min(Number(body?.limit ?? 10), 200);
    return { total: matches.length, results: matches.slice(0, limit).map((object) => this.shown(object)) };
  }

  private shown(object: FakeHubSpotObject) {
    return { id: object.id, properties: { ...object.properties, hs_object_id: object.id }, createdAt: object.createdAt, updatedAt: object.updatedAt, archived: object.archived };
  }

  private send(response: ServerResponse, _request: IncomingMessage, status: number, answer: unknown): void {
    if (answer === undefined) {
      response.writeHead(status).end();
      return;
    }
    response.writeHead(status, { 'content-type': 'application/json;charset=utf-8' }).end(JSON.stringify(answer));
  }
}
