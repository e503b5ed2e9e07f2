import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Role } from '../../../src/entities/enums.js';
import { describeWithChromium, launchChromium } from '../../helpers/browser.js';
import { graphql } from '../../helpers/graphql.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describeWithChromium('the dashboard in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  before(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
  });

  /** A fresh browser profile with the page's console errors and CSP violations collected. */
  async function openPage(viewport = { width: 1200, height: 900 }): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return { page, problems };
  }

  async function signIn(page: Page, key: string, path = '/dashboard') {
    await page.goto(`${server.url}${path}`);
    await page.getByLabel(/API key/).fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#nav').waitFor({ state: 'visible' });
  }

  const tile = (page: Page, kpi: string) => page.locator(`[data-kpi="${kpi}"] .value`);

  it('refuses a wrong key, signs in with a viewer key kept in session storage only, and shows the tiles', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${server.url}/dashboard`);
    await page.getByLabel(/API key/).fill('lp_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That key was not accepted').waitFor();
    await signIn(page, server.keys[Role.VIEWER]);
    await tile(page, 'pipeline-value').waitFor();
    assert.equal(await page.evaluate("sessionStorage.getItem('leadpilot.apiKey')"), server.keys[Role.VIEWER]);
    assert.equal(await page.evaluate('localStorage.length'), 0);
    assert.equal(await page.evaluate('document.cookie'), '');
    assert.equal(await page.getByRole('link', { name: 'Agents' }).isVisible(), false, 'agents are for admins');
    assert.equal(await page.locator('.chart svg').count(), 3);
    // The refused key's request answered 401, as it should; nothing else went wrong.
    assert.deepEqual(problems.filter((problem) => !/status of 401/.test(problem)), []);
  });

  it('shows a new lead in the pipeline as it arrives, its text as text', async () => {
    const { page, problems } = await openPage();
    await signIn(page, server.keys[Role.VIEWER], '/dashboard/pipeline');
    await page.locator('[data-stage="NEW"]').waitFor();
    await page.getByText('● live').waitFor();
    const company = '<img src=x id=injected> Müller & Söhne';
    const submitted = await graphql(server.graphqlUrl, 'mutation ($input: SubmitLeadInput!) { submitLead(input: $input) { id } }', {
      key: server.keys[Role.INTEGRATION],
      variables: { input: { name: 'Jana Müller', email: 'jana@mueller.example', company, message: '<script>alert(1)</script> We need a booking app.' } },
    });
    const leadId = submitted.data!.submitLead.id;
    const entry = page.locator(`[data-stage="NEW"] [data-lead="${leadId}"]`);
    await entry.waitFor({ timeout: 10_000 });
    assert.equal(await entry.textContent(), company);
    assert.equal(await page.locator('#injected').count(), 0);

    await entry.getByRole('link').click();
    await page.locator('#lead-message').waitFor();
    assert.equal(await page.locator('#lead-message').textContent(), '<script>alert(1)</script> We need a booking app.');
    assert.match(page.url(), new RegExp(`/dashboard/leads/${leadId}$`));
    assert.ok((await page.locator('.timeline li').count()) >= 1);
    assert.deepEqual(problems, []);
  });

  it('lets an approver approve from the deep link while the overview tile changes live', async () => {
    const { lead } = await server.services.leads.submit({ name: 'Olaf Berg', email: 'olaf@berg.example', message: 'A customer portal, please.' }, 'system');
    const proposal = await server.services.proposals.createDraft(lead.id, { title: 'Customer portal', total: 23_456, lineItems: [{ description: 'Portal', days: 23, rate: 1000, amount: 23_456 }] });

    const overview = await openPage();
    await signIn(overview.page, server.keys[Role.VIEWER]);
    const pipelineValue = tile(overview.page, 'pipeline-value');
    await pipelineValue.waitFor();
    await overview.page.getByText('● live').waitFor();
    const before = await pipelineValue.textContent();
    assert.match(before ?? '', /23,456/);

    const approver = await openPage();
    await signIn(approver.page, server.keys[Role.APPROVER], `/dashboard/proposals/${proposal.id}`);
    await approver.page.getByRole('heading', { name: 'Customer portal' }).waitFor();
    await approver.page.getByLabel('Comment or feedback').fill('Good to go.');
    await approver.page.getByRole('button', { name: 'Approve' }).click();
    await approver.page.locator('#proposal-status', { hasText: 'APPROVED' }).waitFor();

    // Waited for with a locator, not page.waitForFunction: a string predicate is eval'd again on
    // every poll, which the dashboard's CSP (no 'unsafe-eval') refuses whenever the first check fails.
    await pipelineValue.filter({ hasNotText: before ?? '' }).waitFor({ timeout: 10_000 });
    assert.doesNotMatch((await pipelineValue.textContent()) ?? '', /23,456/);
    const [decision] = (await server.dataSource.query(`SELECT decided_by, feedback FROM approval_decisions WHERE proposal_id = $1`, [proposal.id])) as { decided_by: string; feedback: string }[];
    assert.deepEqual(decision, { decided_by: 'api-key:test-approver', feedback: 'Good to go.' });
    assert.deepEqual([...overview.problems, ...approver.problems], []);
  });

  it('rejects only with feedback, and edits a proposal into a new revision', async () => {
    const { lead } = await server.services.leads.submit({ name: 'Pia Lund', email: 'pia@lund.example', message: 'An intranet for 40 people.' }, 'system');
    const first = await server.services.proposals.createDraft(lead.id, { title: 'Intranet' });
    const { page, problems } = await openPage();
    await signIn(page, server.keys[Role.APPROVER], `/dashboard/proposals/${first.id}`);
    await page.getByRole('heading', { name: 'Intranet' }).waitFor();

    await page.getByText('Edit (makes a new revision)').click();
    await page.getByLabel('Title').fill('Intranet for 40 people');
    await page.getByRole('button', { name: 'Save as new revision' }).click();
    await page.getByRole('heading', { name: 'Intranet for 40 people' }).waitFor();
    const revisionId = page.url().split('/').at(-1)!;
    assert.notEqual(revisionId, first.id);
    const stored = (await server.dataSource.query(`SELECT id, status, title FROM proposals WHERE lead_id = $1 ORDER BY revision`, [lead.id])) as { id: string; status: string; title: string }[];
    assert.deepEqual(stored.map((row) => [row.status, row.title]), [['superseded', 'Intranet'], ['pending_approval', 'Intranet for 40 people']]);

    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByText('Feedback is required to reject').waitFor();
    assert.equal((await server.services.proposals.findById(revisionId))?.status, 'pending_approval');
    await page.getByLabel('Comment or feedback').fill('Add the migration of the old wiki.');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.locator('#proposal-status', { hasText: 'REJECTED' }).waitFor();
    const [decision] = (await server.dataSource.query(`SELECT decision, feedback FROM approval_decisions WHERE proposal_id = $1`, [revisionId])) as { decision: string; feedback: string }[];
    assert.deepEqual(decision, { decision: 'rejected', feedback: 'Add the migration of the old wiki.' });

    // The lead's timeline shows both revisions and what changed between them.
    await page.getByRole('link', { name: 'Pia Lund' }).click();
    await page.locator('.timeline').waitFor();
    assert.match((await page.locator('.timeline').textContent()) ?? '', /Proposal rev\. 2.*changed: title/s);
    assert.deepEqual(problems, []);
  });

  it('fits a phone screen', async () => {
    const { page, problems } = await openPage({ width: 375, height: 740 });
    await signIn(page, server.keys[Role.ADMIN]);
    await tile(page, 'response').waitFor();
    for (const path of ['/dashboard', '/dashboard/pipeline', '/dashboard/agents']) {
      await page.goto(`${server.url}${path}`);
      await page.locator('main h1').first().waitFor();
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
      assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the phone`);
    }
    assert.ok((await page.locator('article.agent').count()) >= 10, 'admins see the agents');
    assert.deepEqual(problems, []);
  });
});
