import type pg from 'pg';

/** Where the pipeline stops for a lead, and when (the database's clock, which is this machine's). */
export interface SettledLead {
  leadId: string;
  /** Database value: awaiting_approval, disqualified, spam, failed, or `timeout` (the harness gave up). */
  status: string;
  /** Epoch ms: when the proposal went to PENDING_APPROVAL (its activity row), else the lead's last change. */
  doneAt: number;
}

const SETTLED = ['awaiting_approval', 'disqualified', 'spam', 'failed'];

/**
 * One poller for every lead in flight, instead of a poll per client: one small query every
 * `intervalMs`. The time a lead settled is read from the database (`clock_timestamp()` of its
 * activity row), so the polling interval delays the next submission a little but does not
 * blur the latency measured.
 */
export class SettleWatcher {
  private readonly waiting = new Map<string, { resolve: (settled: SettledLead) => void; deadline: number }>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly intervalMs = 20,
    private readonly timeoutMs = 180_000,
  ) {}

  wait(leadId: string): Promise<SettledLead> {
    return new Promise((resolve) => {
      this.waiting.set(leadId, { resolve, deadline: Date.now() + this.timeoutMs });
      this.timer ??= setInterval(() => void this.poll(), this.intervalMs);
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling || this.waiting.size === 0) return;
    this.polling = true;
    try {
      const { rows } = await this.pool.query<{ id: string; status: string; pending_at: Date | null; updated_at: Date }>(
        `SELECT l.id, l.status, l.updated_at,
                (SELECT max(a.created_at) FROM lead_activities a WHERE a.lead_id = l.id AND a.type = 'proposal.pending_approval') AS pending_at
           FROM leads l WHERE l.id = ANY($1::uuid[]) AND l.status = ANY($2::text[])`,
        [[...this.waiting.keys()], SETTLED],
      );
      for (const row of rows) {
        const waiter = this.waiting.get(row.id);
        if (!waiter) continue;
        this.waiting.delete(row.id);
        waiter.resolve({ leadId: row.id, status: row.status, doneAt: (row.pending_at ?? row.updated_at).getTime() });
      }
      const now = Date.now();
      for (const [leadId, waiter] of this.waiting) {
        if (now < waiter.deadline) continue;
        this.waiting.delete(leadId);
        waiter.resolve({ leadId, status: 'timeout', doneAt: now });
      }
    } finally {
      this.polling = false;
    }
  }
}
