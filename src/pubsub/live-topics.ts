/** What travels between processes: topics and their payloads, ids only (NOTIFY stops at 8000 bytes). */
export enum LiveTopic {
  LEAD_CHANGED = 'lead.changed',
  PROPOSAL_CHANGED = 'proposal.changed',
  /** Sent by a database trigger (migration 1765065600000): drop any cached copy of this key. */
  API_KEY_CHANGED = 'api_key.changed',
}

export interface LivePayloads {
  [LiveTopic.LEAD_CHANGED]: { id: string };
  [LiveTopic.PROPOSAL_CHANGED]: { id: string; status: string };
  [LiveTopic.API_KEY_CHANGED]: { id: string };
}

/** The one NOTIFY channel every Leadpilot process listens on. */
export const LIVE_CHANNEL = 'leadpilot_live';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
export const MAX_NOTIFY_PAYLOAD_BYTES = 7999;

const TOPICS = new Set<string>(Object.values(LiveTopic));

/** Parses a NOTIFY payload; anything malformed (another version, a manual NOTIFY) is dropped. */
export function parseLiveMessage(text: string | undefined): { topic: LiveTopic; payload: LivePayloads[LiveTopic] } | undefined {
  if (!text) return undefined;
  try {
    const { topic, id, status } = JSON.parse(text) as { topic?: unknown; id?: unknown; status?: unknown };
    if (typeof topic !== 'string' || !TOPICS.has(topic) || typeof id !== 'string') return undefined;
    if (topic === LiveTopic.PROPOSAL_CHANGED) {
      return typeof status === 'string' ? { topic, payload: { id, status } } : undefined;
    }
    return { topic: topic as LiveTopic, payload: { id } };
  } catch {
    return undefined;
  }
}
