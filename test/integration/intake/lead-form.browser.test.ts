import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../../helpers/browser.js';
import { leadsByEmail } from '../../helpers/lead-form.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describeWithChromium('the lead form in headless Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let scratch: string;
  before(async () => {
    server = await startTestServer({ env: { FORM_RATE_LIMIT: '50/10m' } });
    browser = await launchChromium();
    scratch = await mkdtemp(path.join(tmpdir(), 'leadpilot-form-'));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('is filled in by label and submitted; the thank-you page follows and the lead is in the API', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      // Found by their accessible names: the labels are bound to the inputs.
      await page.getByLabel('Your name').fill('Tomás Ortega');
      await page.getByLabel('E-mail address').fill('tomas@ortega-bikes.example');
      await page.getByLabel('Company').fill('Ortega Bikes');
      await page.getByLabel('Website').fill('ortega-bikes.example');
      await page.getByLabel('What do you need?').fill('An online shop for our bicycles with a workshop booking calendar.');
      await page.getByLabel('Budget range').selectOption('5k_15k');
      await page.getByLabel('Timeline').selectOption('asap');
      await page.getByLabel(/I agree to be contacted/).check();
      await Promise.all([page.waitForURL(/\/thanks\?lang=en$/), page.getByRole('button', { name: 'Send enquiry' }).click()]);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Thank you!');

      const [lead] = await leadsByEmail(server, 'tomas@ortega-bikes.example');
      assert.ok(lead, 'the lead is listed');
      assert.equal(lead.name, 'Tomás Ortega');
      assert.equal(lead.source, 'FORM');
      assert.equal(lead.website, 'ortega-bikes.example');
      assert.equal(lead.budget, 15000);
      assert.equal(lead.timeline, 'as soon as possible');
    } finally {
      await context.close();
    }
  });

  it('shows the server\'s message next to a wrong e-mail, keeps the values, and switches language by link', async () => {
    const context = await browser.newContext({ locale: 'de-DE' });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      assert.equal(await page.getAttribute('html', 'lang'), 'de', 'Accept-Language from the browser locale');
      await page.getByRole('link', { name: 'Español' }).click();
      await page.waitForURL(/\?lang=es$/);
      assert.equal(await page.getAttribute('html', 'lang'), 'es');

      await page.getByLabel('Su nombre').fill('Lucía Romero');
      // The browser's own check lets this through (no dot is needed in HTML); the server's does not.
      await page.getByLabel('Correo electrónico').fill('lucia@romero');
      await page.getByLabel('¿Qué necesita?').fill('Una aplicación para reservar clases de yoga.');
      await page.getByLabel(/Acepto que me contacten/).check();
      await Promise.all([page.waitForLoadState('domcontentloaded'), page.getByRole('button', { name: 'Enviar consulta' }).click()]);
      await page.locator('#email-error').waitFor();

      const email = page.getByLabel('Correo electrónico');
      assert.equal(await email.getAttribute('aria-invalid'), 'true');
      assert.match((await email.getAttribute('aria-describedby')) ?? '', /\bemail-error\b/);
      assert.equal(await page.locator('#email-error').textContent(), 'Introduzca un correo electrónico válido, por ejemplo ana@example.com.');
      // The error is right after its input, not only in the summary.
      const adjacent = await page.locator('#email + .error').getAttribute('id');
      assert.equal(adjacent, 'email-error');
      assert.equal(await page.getByLabel('Su nombre').inputValue(), 'Lucía Romero');
      assert.equal(await email.inputValue(), 'lucia@romero');
      assert.equal(await page.getByLabel(/Acepto que me contacten/).isChecked(), true);
      assert.match((await page.getByRole('alert').textContent()) ?? '', /Corrija lo siguiente/);
      assert.deepEqual(await leadsByEmail(server, 'lucia@romero'), []);
    } finally {
      await context.close();
    }
  });

  it('renders at phone width (390×844) without sideways scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/?lang=fr`);
      const file = path.join(scratch, 'lead-form-390x844.png');
      await page.screenshot({ path: file });
      const png = await readFile(file);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
      assert.equal(png.toString('ascii', 12, 16), 'IHDR');
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [390, 844]);
      // A string, evaluated in the page: this project's TypeScript has no DOM types.
      const widths = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })')) as { scroll: number; client: number };
      assert.ok(widths.scroll <= widths.client, `no horizontal overflow (${widths.scroll} > ${widths.client})`);
      const button = await page.getByRole('button', { name: 'Envoyer la demande' }).boundingBox();
      assert.ok(button && button.width > 300, 'the button spans the phone width');
    } finally {
      await context.close();
    }
  });
});
