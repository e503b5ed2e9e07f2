import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dashboardRouter } from '../../../src/web/dashboard/dashboard.route.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe(dashboardRouter.name, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('answers /dashboard and its deep links with the app, under a strict CSP', async () => {
    for (const path of ['/dashboard', '/dashboard/', '/dashboard/proposals/3f1c2a9e-0000-4000-8000-000000000000', '/dashboard/leads/abc', '/dashboard/agents']) {
      const response = await fetch(`${server.url}${path}`);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /default-src 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      const html = await response.text();
      assert.match(html, /<script type="module" src="\/dashboard\/assets\/app\.js"><\/script>/);
      // No inline script: every <script> has a src.
      assert.equal((html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? []).length, 0);
    }
  });

  it('serves its modules from this server, and nothing else under assets', async () => {
    for (const file of ['app.js', 'api.js', 'dom.js', 'charts.js']) {
      const response = await fetch(`${server.url}/dashboard/assets/${file}`);
      assert.equal(response.status, 200, file);
      assert.match(response.headers.get('content-type') ?? '', /javascript/);
      const text = await response.text();
      assert.doesNotMatch(text, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, `${file} refers to no other origin`);
      assert.doesNotMatch(text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, `${file} never parses data as HTML`);
    }
    assert.equal((await fetch(`${server.url}/dashboard/assets/missing.js`)).status, 404);
    assert.ok([403, 404].includes((await fetch(`${server.url}/dashboard/assets/..%2F..%2Fpackage.json`)).status));
  });
});
