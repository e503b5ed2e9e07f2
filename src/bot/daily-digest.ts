import type { KnownBlock } from '@slack/types';
import type { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../database/query-rows.js';
import type { AnalyseKpisInput, KpiAnalysis } from '../agents/analyse-kpis.agent.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import type { DayKpis } from '../services/headline-kpis.service.js';
import { DIGEST_EVENT_TYPE } from './action-ids.js';
import { findPostedMessage } from './card-sync.job.js';
import { escapeMrkdwn, money, SECTION_TEXT_LIMIT, slackDate, truncate } from './slack-text.js';
import type { SlackPoster } from './slack-poster.js';

export interface DigestDependencies {
  dataSource: DataSource;
  poster: SlackPoster;
  clock: Clock;
  approval: { reminderAfterMs: number };
  /** One day's numbers (the day starting at local midnight `day`): one function, so a fuller KPI service can replace it. */
  dayKpis(day: Date): Promise<DayKpis>;
  /** The KPI analyst agent (its model, or its offline rules). */
  analyse(input: AnalyseKpisInput): Promise<KpiAnalysis>;
  logger: Logger;
}

/** The local date `YYYY-MM-DD` of a time. */
export function localDay(at: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** The day whose digest is due at `now` (DIGEST_AT has passed today, server time zone), else null. */
export function dueDigestDay(now: Date, digestAt: string): string | null {
  const [hours, minutes] = digestAt.split(':').map(Number) as [number, number];
  const at = new Date(now.getFullYear(), now.getMonth(), now.getDate(), hours, minutes);
  return now.getTime() >= at.getTime() ? localDay(now) : null;
}

/**
 * Claims the day's digest: one row per day, inserted or not (ON CONFLICT), and its job enqueued
 * in the same transaction. However many sweeps and processes race, one of them wins, once.
 */
export async function claimDigest(
  dataSource: DataSource,
  day: string,
  channel: string,
  enqueue: (payload: { digestDay: string }, manager: EntityManager) => Promise<unknown>,
): Promise<boolean> {
  return dataSource.transaction(async (manager) => {
    const inserted = returnedRows(
      (await manager.query(`INSERT INTO slack_digests (day, channel, posting_key) VALUES ($1, $2, gen_random_uuid()) ON CONFLICT (day) DO NOTHING RETURNING day`, [day, channel])) as unknown,
    );
    if (inserted.length === 0) return false;
    await enqueue({ digestDay: day }, manager);
    return true;
  });
}

interface DigestRow {
  day: string;
  channel: string;
  postingKey: string;
  postingStartedAt: Date | null;
  ts: string | null;
}

/**
 * The digest job: posts one day's digest, once. Like a card, the attempt is recorded before the
 * call and its key travels in the metadata, so a retry after an unknown outcome adopts the
 * message it finds instead of posting a second.
 */
export async function postDigest(deps: DigestDependencies, day: string): Promise<void> {
  const row = await findDigest(deps.dataSource, day);
  if (!row || row.ts) return;
  if (row.postingStartedAt) {
    const found = await findPostedMessage(deps, { channel: row.channel, threadTs: null, postingKey: row.postingKey, postingStartedAt: row.postingStartedAt }, DIGEST_EVENT_TYPE);
    if (found) {
      await deps.dataSource.query(`UPDATE slack_digests SET ts = $2, updated_at = now() WHERE day = $1`, [day, found]);
      return;
    }
  } else {
    await deps.dataSource.query(`UPDATE slack_digests SET posting_started_at = now(), updated_at = now() WHERE day = $1`, [day]);
  }
  const message = await composeDigest(deps, day);
  const { ts } = await deps.poster.postMessage({
    channel: row.channel,
    text: message.text,
    blocks: message.blocks,
    unfurl_links: false,
    unfurl_media: false,
    metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: { day, posting_key: row.postingKey } },
  });
  await deps.dataSource.query(`UPDATE slack_digests SET ts = $2, updated_at = now() WHERE day = $1`, [day, ts]);
  deps.logger.info({ day, ts }, 'daily digest posted');
}

async function findDigest(dataSource: DataSource, day: string): Promise<DigestRow | null> {
  const rows = (await dataSource.query(
    `SELECT day::text AS day, channel, posting_key AS "postingKey", posting_started_at AS "postingStartedAt", ts FROM slack_digests WHERE day = $1`,
    [day],
  )) as DigestRow[];
  return rows[0] ?? null;
}

const OVERDUE_SHOWN = 10;

interface Overdue {
  proposals: { title: string; company: string; since: Date }[];
  followUps: { company: string; since: Date }[];
  failedLeads: { name: string; company: string | null; since: Date }[];
  counts: { proposals: number; followUps: number; failedLeads: number };
}

/** Approvals waiting past their reminder and failed leads, oldest first. */
async function overdue(dataSource: DataSource, now: Date, reminderAfterMs: number): Promise<Overdue> {
  const remindBefore = new Date(now.getTime() - reminderAfterMs);
  const proposals = (await dataSource.query(
    `SELECT p.title, coalesce(l.company, l.name) AS company, p.updated_at AS since, count(*) OVER ()::int AS total
       FROM proposals p JOIN leads l ON l.id = p.lead_id
      WHERE p.status = 'pending_approval' AND p.updated_at <= $1 ORDER BY p.updated_at, p.id LIMIT $2`,
    [remindBefore, OVERDUE_SHOWN],
  )) as { title: string; company: string; since: Date; total: number }[];
  const followUps = (await dataSource.query(
    `SELECT coalesce(l.company, l.name) AS company, m.available_at AS since, count(*) OVER ()::int AS total
       FROM outbound_messages m JOIN leads l ON l.id = m.lead_id
      WHERE m.kind = 'follow_up' AND m.status = 'awaiting_approval' AND m.available_at <= $1 ORDER BY m.available_at, m.id LIMIT $2`,
    [remindBefore, OVERDUE_SHOWN],
  )) as { company: string; since: Date; total: number }[];
  const failedLeads = (await dataSource.query(
    `SELECT name, company, updated_at AS since, count(*) OVER ()::int AS total FROM leads
      WHERE status = 'failed' AND erased_at IS NULL ORDER BY updated_at DESC, id LIMIT $1`,
    [OVERDUE_SHOWN],
  )) as { name: string; company: string | null; since: Date; total: number }[];
  return {
    proposals,
    followUps,
    failedLeads,
    counts: { proposals: proposals[0]?.total ?? 0, followUps: followUps[0]?.total ?? 0, failedLeads: failedLeads[0]?.total ?? 0 },
  };
}

/** Yesterday's numbers, the analyst's reading of them, and what is overdue. Every text from data or a model is escaped. */
export async function composeDigest(deps: DigestDependencies, day: string): Promise<{ text: string; blocks: KnownBlock[] }> {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const yesterday = new Date(year, month - 1, date - 1);
  const current = await deps.dayKpis(yesterday);
  const previous = await deps.dayKpis(new Date(year, month - 1, date - 2));
  const period = { from: current.from.toISOString(), to: current.to.toISOString() };
  const analysis = await deps.analyse({ period, current: current.snapshot, previous: previous.snapshot });
  const late = await overdue(deps.dataSource, deps.clock.now(), deps.approval.reminderAfterMs);
  const reported = localDay(yesterday);

  const median = current.medianFirstResponseMs === null ? '—' : formatDuration(current.medianFirstResponseMs);
  const pipeline = current.pipelineValue.length ? current.pipelineValue.map((value) => money(value.total, value.currency)).join(' + ') : '—';
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `Daily digest · ${reported}`, emoji: false } },
    section(`*${escapeMrkdwn(truncate(analysis.headline, 300))}*`),
    section(
      [
        `*${reported}*`,
        `• Leads captured: ${current.leadsCaptured} · qualified: ${current.qualified}`,
        `• Proposals sent: ${current.proposalsSent} · approved: ${current.approved} · rejected: ${current.rejected}`,
        `• Median first response: ${median}`,
        `• Pipeline value (pending and sent): ${pipeline}`,
      ].join('\n'),
    ),
  ];
  const offTarget = analysis.findings.filter((finding) => finding.status === 'off_target');
  if (offTarget.length || analysis.recommendations.length) {
    const lines = [
      ...offTarget.slice(0, 6).map((finding) => `• :warning: ${escapeMrkdwn(truncate(finding.message, 300))}`),
      ...analysis.recommendations.slice(0, 3).map((recommendation) => `• ${escapeMrkdwn(truncate(recommendation, 300))}`),
    ];
    blocks.push(section(`*What the analyst sees*\n${lines.join('\n')}`));
  }
  blocks.push(section(overdueText(late)));
  const total = late.counts.proposals + late.counts.followUps + late.counts.failedLeads;
  const text = `Daily digest for ${reported}: ${current.leadsCaptured} leads, ${current.proposalsSent} proposals sent${total ? `, ${total} overdue` : ''}`;
  return { text, blocks };
}

function overdueText(late: Overdue): string {
  const lines: string[] = [];
  const more = (count: number, shown: number) => (count > shown ? [`   …and ${count - shown} more`] : []);
  if (late.counts.proposals) {
    lines.push(`:bell: *${late.counts.proposals} proposal${late.counts.proposals === 1 ? '' : 's'} waiting past the reminder*`);
    lines.push(...late.proposals.map((row) => `   • ${escapeMrkdwn(truncate(row.title, 120))} for ${escapeMrkdwn(truncate(row.company, 80))}, since ${slackDate(row.since)}`), ...more(late.counts.proposals, late.proposals.length));
  }
  if (late.counts.followUps) {
    lines.push(`:bell: *${late.counts.followUps} follow-up${late.counts.followUps === 1 ? '' : 's'} waiting past the reminder*`);
    lines.push(...late.followUps.map((row) => `   • to ${escapeMrkdwn(truncate(row.company, 80))}, since ${slackDate(row.since)}`), ...more(late.counts.followUps, late.followUps.length));
  }
  if (late.counts.failedLeads) {
    lines.push(`:rotating_light: *${late.counts.failedLeads} failed lead${late.counts.failedLeads === 1 ? '' : 's'}* (retry with retryLead)`);
    lines.push(...late.failedLeads.map((row) => `   • ${escapeMrkdwn(truncate(row.name, 80))}${row.company ? `, ${escapeMrkdwn(truncate(row.company, 80))}` : ''}, since ${slackDate(row.since)}`), ...more(late.counts.failedLeads, late.failedLeads.length));
  }
  return truncate(lines.length ? `*Overdue*\n${lines.join('\n')}` : '*Overdue*: nothing. :white_check_mark:', SECTION_TEXT_LIMIT);
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SECTION_TEXT_LIMIT) } };
}
