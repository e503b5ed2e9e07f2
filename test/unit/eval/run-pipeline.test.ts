import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GraphqlClient } from '../../../eval/graphql-client.js';
import { isSettled } from '../../../eval/lead-result.js';
import { runLead, runLeads, submitLeadInput } from '../../../eval/run-pipeline.js';
import { leadCase, notQualifiedResult, qualifiedResult } from './eval-fixtures.js';

/**
 * A scripted stand-in for the API: the statuses a lead goes through, one per progress poll, then
 * its result. Records what was sent.
 */
function scriptedClient(statuses: { status: string; kinds?: string[] }[], result: unknown = qualifiedResult()) {
  const sent: { operation: string; variables: Record<string, unknown> | undefined }[] = [];
  let poll = 0;
  const client: GraphqlClient = {
    async request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      const operation = /(?:query|mutation)\s+(\w+)/.exec(query)![1]!;
      sent.push({ operation, variables });
      if (operation === 'EvalSubmitLead') return { submitLead: { id: `lead-${sent.length}` } } as T;
      if (operation === 'EvalLeadProgress') {
        const step = statuses[Math.min(poll++, statuses.length - 1)]!;
        return { lead: { status: step.status, outboundMessages: (step.kinds ?? []).map((kind) => ({ kind })) } } as T;
      }
      if (operation === 'EvalLeadResult') return { lead: result } as T;
      throw new Error(`unexpected ${operation}`);
    },
  };
  return { client, sent };
}

describe('submitLeadInput', () => {
  it("sends the lead's own fields, omits absent ones and never the labelled language", () => {
    const input = submitLeadInput(leadCase({ lead: { budget: undefined, phone: '+49 30 1234' } }));
    assert.deepEqual(input, { name: 'Pat Example', email: 'pat@shop.example', company: 'Example Shop Ltd', phone: '+49 30 1234', message: 'We need a new online shop connected to our ERP.' });
  });
});

describe('isSettled', () => {
  it('waits for the first reply, except for spam and failures', () => {
    assert.equal(isSettled({ status: 'QUALIFYING', outboundMessages: [] }), false);
    assert.equal(isSettled({ status: 'AWAITING_APPROVAL', outboundMessages: [] }), false);
    assert.equal(isSettled({ status: 'AWAITING_APPROVAL', outboundMessages: [{ kind: 'first_reply' }] }), true);
    assert.equal(isSettled({ status: 'DISQUALIFIED', outboundMessages: [{ kind: 'follow_up' }] }), false);
    assert.equal(isSettled({ status: 'SPAM', outboundMessages: [] }), true);
    assert.equal(isSettled({ status: 'FAILED', outboundMessages: [] }), true);
  });
});

describe('runLead', () => {
  it('submits, polls until settled, then reads and parses the full result', async () => {
    const { client, sent } = scriptedClient([{ status: 'NEW' }, { status: 'IN_PROGRESS' }, { status: 'AWAITING_APPROVAL', kinds: ['first_reply'] }]);
    const run = await runLead(client, leadCase(), { timeoutMs: 60_000, pollMs: 1 });
    assert.equal(run.outcome, 'settled');
    assert.equal(run.outcome === 'settled' && run.result.proposals[0]!.total, 17840);
    assert.deepEqual(sent.map((entry) => entry.operation), ['EvalSubmitLead', 'EvalLeadProgress', 'EvalLeadProgress', 'EvalLeadProgress', 'EvalLeadResult']);
  });

  it('gives up on a lead that does not settle within its timeout', async () => {
    let clock = 0;
    const { client } = scriptedClient([{ status: 'QUALIFYING' }]);
    const run = await runLead(client, leadCase(), { timeoutMs: 1000, pollMs: 1, now: () => (clock += 300) });
    assert.equal(run.outcome, 'timeout');
    assert.equal(run.outcome === 'timeout' && run.lastStatus, 'QUALIFYING');
  });

  it('reports a result of an unexpected shape as an error naming the field', async () => {
    const { client } = scriptedClient([{ status: 'SPAM' }], { ...notQualifiedResult('SPAM'), proposals: undefined });
    const run = await runLead(client, leadCase(), { timeoutMs: 1000, pollMs: 1 });
    assert.equal(run.outcome, 'error');
    assert.match(run.outcome === 'error' ? run.error : '', /^unexpected lead result: proposals: /);
  });
});

describe('runLeads', () => {
  it('keeps the cases in order and respects the concurrency', async () => {
    let inFlight = 0;
    let most = 0;
    const client: GraphqlClient = {
      async request<T>(query: string): Promise<T> {
        if (query.includes('EvalSubmitLead')) {
          inFlight += 1;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          return { submitLead: { id: 'x' } } as T;
        }
        if (query.includes('EvalLeadProgress')) return { lead: { status: 'SPAM', outboundMessages: [] } } as T;
        inFlight -= 1;
        return { lead: notQualifiedResult('SPAM') } as T;
      },
    };
    const cases = ['a', 'b', 'c', 'd', 'e'].map((id) => leadCase({ id }));
    const seen: string[] = [];
    const runs = await runLeads(client, cases, { concurrency: 2, timeoutMs: 1000, pollMs: 1, onSettled: (leadCase) => seen.push(leadCase.id) });
    assert.equal(runs.length, 5);
    assert.ok(runs.every((run) => run.outcome === 'settled'));
    assert.equal(most, 2);
    assert.deepEqual([...seen].sort(), ['a', 'b', 'c', 'd', 'e']);
  });
});

describe('reading outbound messages', () => {
  it('finds the first reply whether its kind comes as a string or an enum, and reads its text from the payload', async () => {
    const { firstReply, messageText } = await import('../../../eval/lead-result.js');
    const result = qualifiedResult({ outboundMessages: [{ kind: 'FIRST_REPLY', subject: 'Re', payload: JSON.stringify({ text: 'Hello' }), status: 'SENT' }] });
    assert.equal(messageText(firstReply(result)!), 'Hello');
    assert.equal(isSettled({ status: 'DISQUALIFIED', outboundMessages: [{ kind: 'FIRST_REPLY' }] }), true);
  });
});

describe('applyPromptVersions', () => {
  it('creates each version from its file, activates it, and records its name and the template hash', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { applyPromptVersions } = await import('../../../eval/run-pipeline.js');
    const directory = await mkdtemp(path.join(tmpdir(), 'eval-prompts-'));
    const file = path.join(directory, 'pricing.txt');
    await writeFile(file, '{{default}}\nBe brief.');
    const sent: { query: string; variables: Record<string, unknown> | undefined }[] = [];
    const client: GraphqlClient = {
      async request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
        sent.push({ query, variables });
        if (query.includes('createPromptVersion')) return { createPromptVersion: { id: 'pv-7', version: 'pricing/v2' } } as T;
        return { activatePromptVersion: { id: 'pv-7' } } as T;
      },
    };
    const used = await applyPromptVersions(client, [{ agent: 'pricing', file }]).finally(() => rm(directory, { recursive: true, force: true }));
    assert.deepEqual(sent.map((entry) => entry.variables), [{ agent: 'pricing', template: '{{default}}\nBe brief.' }, { id: 'pv-7' }]);
    assert.equal(used.length, 1);
    assert.equal(used[0]!.version, 'pricing/v2');
    assert.match(used[0]!.sha256, /^[0-9a-f]{64}$/);
  });
});
