import { Client } from '@hubspot/api-client';
import { AssociationSpecAssociationCategoryEnum, FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import type { Logger } from '../../logger.js';
import type { RateBucket } from './rate-bucket.js';

/** HubSpot's own association type ids (HUBSPOT_DEFINED). */
const DEAL_TO_CONTACT = 3;
const NOTE_TO_CONTACT = 202;
const NOTE_TO_DEAL = 214;

/** The custom property (on contacts and deals) that names the Leadpilot lead: how a lost create is found again. */
export const LEAD_ID_PROPERTY = 'leadpilot_lead_id';

export type Properties = Record<string, string>;

/** What the sync needs from HubSpot: a small port over the official client. */
export interface HubSpotPort {
  findContact(leadId: string, email: string): Promise<string | null>;
  createContact(properties: Properties): Promise<string>;
  updateContact(id: string, properties: Properties): Promise<void>;
  /** GDPR delete: HubSpot removes the contact and blocks its e-mail address from being re-added by tracking. */
  purgeContact(id: string): Promise<void>;
  findDeal(leadId: string): Promise<string | null>;
  createDeal(properties: Properties, contactId: string): Promise<string>;
  updateDeal(id: string, properties: Properties): Promise<void>;
  archiveDeal(id: string): Promise<void>;
  createNote(body: string, at: Date, on: { contactId: string; dealId: string | null }): Promise<string>;
  /** A message of a conversation thread (the Conversations inbox), for replies logged in HubSpot. */
  getThreadMessage(threadId: string, messageId: string): Promise<ThreadMessage | null>;
}

export interface ThreadMessage {
  text: string;
  direction: string;
  senderEmails: string[];
}

export interface HubSpotClientOptions {
  token: string;
  baseUrl?: string | undefined;
  bucket: RateBucket;
  logger: Logger;
  /** Per request. */
  timeoutMs?: number;
  /** 429s and 5xx answers waited out per call before the error goes back to the sync's own backoff. */
  retries?: number;
}

export class HubSpotError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null,
  ) {
    super(message);
    this.name = 'HubSpotError';
  }
}

/**
 * The official `@hubspot/api-client`, reached at HUBSPOT_BASE_URL (`basePath`). Its own limiter
 * and retries are off (their waits are fixed and they log with console.error): every request
 * first takes a token from the PostgreSQL bucket shared by all workers, is given up after
 * `timeoutMs`, and a 429 is waited out for its Retry-After.
 */
export function createHubSpotClient(options: HubSpotClientOptions): HubSpotPort {
  const client = new Client({ accessToken: options.token, ...(options.baseUrl ? { basePath: options.baseUrl.replace(/\/$/, '') } : {}), numberOfApiCallRetries: 0 });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 3;

  /**
   * `safeToRepeat`: false for creates. A 429 certainly did nothing and is always waited out; a 5xx
   * or a timeout may have created the object, so a create is not repeated here: the sync's next
   * run searches for it first.
   */
  const call = async <T>(what: string, request: () => Promise<T>, safeToRepeat = true): Promise<T> => {
    for (let attempt = 0; ; attempt += 1) {
      await options.bucket.take();
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          request(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new HubSpotError(`${what}: no answer from HubSpot within ${timeoutMs} ms`, null)), timeoutMs);
          }),
        ]);
      } catch (error) {
        const status = statusOf(error);
        const retryable = status === 429 || (safeToRepeat && status !== null && status >= 500);
        if (!retryable || attempt >= retries) throw asHubSpotError(what, error);
        const retryAfterSeconds = Number(headerOf(error, 'retry-after'));
        const waitMs = status === 429 && Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0 ? Math.min(retryAfterSeconds * 1000, 30_000) : 500 * 2 ** attempt;
        options.logger.warn({ what, status, waitMs, attempt: attempt + 1 }, 'HubSpot asked us to wait; retrying');
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      } finally {
        clearTimeout(timer);
      }
    }
  };

  const searchOne = async (objectType: 'contacts' | 'deals', filters: { propertyName: string; value: string }[]): Promise<string | null> => {
    const api = objectType === 'contacts' ? client.crm.contacts.searchApi : client.crm.deals.searchApi;
    // One filter group per alternative: HubSpot ORs the groups.
    const result = await call(`search ${objectType}`, () =>
      api.doSearch({ filterGroups: filters.map((filter) => ({ filters: [{ propertyName: filter.propertyName, operator: FilterOperatorEnum.Eq, value: filter.value }] })), properties: [LEAD_ID_PROPERTY], limit: 10, after: '0', sorts: [] } as never),
    );
    const results = result.results ?? [];
    // An object carrying our lead id wins over one that merely shares the e-mail address.
    const byLead = results.find((object) => object.properties?.[LEAD_ID_PROPERTY] && filters.some((filter) => filter.propertyName === LEAD_ID_PROPERTY && filter.value === object.properties[LEAD_ID_PROPERTY]));
    return (byLead ?? results[0])?.id ?? null;
  };

  const association = (typeId: number) => [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: typeId }];

  return {
    findContact: (leadId, email) => searchOne('contacts', [{ propertyName: LEAD_ID_PROPERTY, value: leadId }, { propertyName: 'email', value: email }]),
    async createContact(properties) {
      return (await call('create contact', () => client.crm.contacts.basicApi.create({ properties, associations: [] }), false)).id;
    },
    async updateContact(id, properties) {
      await call('update contact', () => client.crm.contacts.basicApi.update(id, { properties }));
    },
    async purgeContact(id) {
      // The discovery layer of the client does not expose the GDPR API; its generic request does.
      await call('gdpr-delete contact', () => client.apiRequest({ method: 'POST', path: '/crm/v3/objects/contacts/gdpr-delete', body: { objectId: id } }).then(unlessFailed)).catch(ignoreNotFound);
    },
    findDeal: (leadId) => searchOne('deals', [{ propertyName: LEAD_ID_PROPERTY, value: leadId }]),
    async createDeal(properties, contactId) {
      return (await call('create deal', () => client.crm.deals.basicApi.create({ properties, associations: [{ to: { id: contactId }, types: association(DEAL_TO_CONTACT) }] }), false)).id;
    },
    async updateDeal(id, properties) {
      await call('update deal', () => client.crm.deals.basicApi.update(id, { properties }));
    },
    async archiveDeal(id) {
      await call('archive deal', () => client.crm.deals.basicApi.archive(id)).catch(ignoreNotFound);
    },
    async createNote(body, at, on) {
      const associations = [
        { to: { id: on.contactId }, types: association(NOTE_TO_CONTACT) },
        ...(on.dealId ? [{ to: { id: on.dealId }, types: association(NOTE_TO_DEAL) }] : []),
      ];
      return (await call('create note', () => client.crm.objects.notes.basicApi.create({ properties: { hs_note_body: body, hs_timestamp: at.toISOString() }, associations }), false)).id;
    },
    async getThreadMessage(threadId, messageId) {
      const response = await call('read conversation message', () =>
        client.apiRequest({ method: 'GET', path: `/conversations/v3/conversations/threads/${encodeURIComponent(threadId)}/messages/${encodeURIComponent(messageId)}` }).then(unlessFailed),
      ).catch((error: unknown) => {
        if (error instanceof HubSpotError && error.statusCode === 404) return null;
        throw error;
      });
      if (!response) return null;
      const message = (await response.json()) as { text?: string; direction?: string; senders?: { deliveryIdentifier?: { type?: string; value?: string } }[] };
      return {
        text: message.text ?? '',
        direction: message.direction ?? '',
        senderEmails: (message.senders ?? []).map((sender) => sender.deliveryIdentifier?.value ?? '').filter((value) => value.includes('@')),
      };
    },
  };
}

type FetchResponse = Awaited<ReturnType<Client['apiRequest']>>;

/** The generic request resolves on any status: failures become errors shaped like the typed APIs' (code, headers). */
async function unlessFailed(response: FetchResponse): Promise<FetchResponse> {
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  const error = new HubSpotError(`HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`, response.status) as HubSpotError & { code: number; headers: Record<string, string> };
  error.code = response.status;
  error.headers = { 'retry-after': response.headers.get('retry-after') ?? '' };
  return Promise.reject(error);
}

function statusOf(error: unknown): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : error instanceof HubSpotError ? error.statusCode : null;
}

function headerOf(error: unknown, name: string): string | undefined {
  const headers = (error as { headers?: Record<string, string> } | null)?.headers;
  return headers?.[name] ?? headers?.[name.toLowerCase()];
}

/** The token never appears here: HubSpot's error bodies are about the request, and we keep only their message. */
function asHubSpotError(what: string, error: unknown): HubSpotError {
  if (error instanceof HubSpotError) return error;
  const status = statusOf(error);
  const body = (error as { body?: { message?: unknown } } | null)?.body;
  const detail = typeof body?.message === 'string' ? body.message : error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new HubSpotError(`${what}: ${status ? `HTTP ${status}: ` : ''}${String(detail).slice(0, 300)}`, status);
}

async function ignoreNotFound(error: unknown): Promise<void> {
  if (error instanceof HubSpotError && error.statusCode === 404) return;
  throw error;
}
