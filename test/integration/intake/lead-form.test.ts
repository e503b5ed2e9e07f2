import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formFields, leadsByEmail, postForm } from '../../helpers/lead-form.js';
import { intakeJobsFor } from '../../helpers/intake.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const page = async (server: TestServer, path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
};

const htmlLang = (text: string) => /<html lang="(\w+)">/.exec(text)?.[1];

describe('the lead form over plain HTTP (no JavaScript)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { FORM_RATE_LIMIT: '100/10m' } });
  });
  after(() => server.stop());

  it('serves the page in the language Accept-Language prefers, and switches with ?lang=', async () => {
    const cases: [Record<string, string>, string, string, RegExp][] = [
      [{ 'accept-language': 'fr-CH, fr;q=0.9, en;q=0.8' }, '/', 'fr', /Parlez-nous de votre projet/],
      [{ 'accept-language': 'de-DE,de;q=0.9' }, '/', 'de', /Erzählen Sie uns von Ihrem Projekt/],
      [{ 'accept-language': 'de;q=0.2, es;q=0.8' }, '/', 'es', /Cuéntenos su proyecto/],
      [{ 'accept-language': 'ja, zh;q=0.5' }, '/', 'en', /Tell us about your project/],
      [{}, '/', 'en', /Tell us about your project/],
      [{ 'accept-language': 'de' }, '/?lang=es', 'es', /Cuéntenos su proyecto/],
      [{ 'accept-language': 'de' }, '/?lang=klingon', 'de', /Erzählen Sie/],
    ];
    for (const [headers, path, language, title] of cases) {
      const answer = await page(server, path, headers);
      assert.equal(answer.status, 200);
      assert.equal(htmlLang(answer.text), language, `${JSON.stringify(headers)} ${path}`);
      assert.equal(answer.headers.get('content-language'), language);
      assert.match(answer.text, title);
      assert.match(answer.headers.get('vary') ?? '', /Accept-Language/);
    }
    const english = await page(server, '/?lang=en');
    for (const code of ['de', 'en', 'fr', 'es']) assert.match(english.text, new RegExp(`href="/\\?lang=${code}"`));
    assert.match(english.text, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.doesNotMatch(english.text, /<script|<link|src="http|href="http/, 'no scripts and nothing loaded from elsewhere');
    assert.match(english.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    for (const field of ['name', 'email', 'company', 'website', 'message', 'budget', 'timeline', 'consent']) {
      assert.match(english.text, new RegExp(`<label for="${field}">`), `${field} has a label`);
      assert.match(english.text, new RegExp(`id="${field}"`), `${field} has its input`);
    }
  });

  it('takes an urlencoded submission into the same intake as submitLead, then thanks in the same language', async () => {
    const fields = formFields({ email: 'nojs@kanzlei.example', lang: 'de' });
    const answer = await postForm(server, fields, { 'accept-language': 'en' });
    assert.equal(answer.status, 303);
    assert.equal(answer.headers.get('location'), '/thanks?lang=de');
    const thanks = await page(server, '/thanks?lang=de');
    assert.equal(htmlLang(thanks.text), 'de');
    assert.match(thanks.text, /Vielen Dank!/);

    const [lead, ...others] = await leadsByEmail(server, 'nojs@kanzlei.example');
    assert.equal(others.length, 0);
    assert.equal(lead!.source, 'FORM');
    assert.equal(lead!.language, 'DE');
    assert.equal(lead!.company, 'Kanzlei Hartmann');
    assert.equal(lead!.budget, 50000, 'a range is stored as its upper end');
    assert.equal(lead!.timeline, 'within 3 months');
    const created = lead!.activities.find((activity) => activity.type === 'lead.created')!;
    assert.equal(created.actor, 'web:lead-form');
    assert.equal(created.data.consent.given, true);
    assert.match(created.data.consent.text, /Ich bin einverstanden/);
    assert.equal(await intakeJobsFor(server.dataSource, lead!.id), 1);
  });

  it('keeps the values and puts each error next to its field when the server refuses the submission', async () => {
    const fields = formFields({ email: 'not-an-address', consent: '', message: '   ', lang: 'en' });
    delete fields.consent;
    const answer = await postForm(server, fields);
    assert.equal(answer.status, 422);
    assert.match(answer.text, /<input id="email"[^>]*value="not-an-address"[^>]*aria-invalid="true"[^>]*aria-describedby="email-error"/);
    assert.match(answer.text, /<p class="error" id="email-error">Please enter a valid e-mail address, such as jane@example.com.<\/p>/);
    assert.match(answer.text, /<p class="error" id="message-error">Please tell us what you need.<\/p>/);
    assert.match(answer.text, /<p class="error" id="consent-error">Please agree to be contacted/);
    assert.match(answer.text, /<input id="name"[^>]*value="Ines Hartmann"/);
    assert.match(answer.text, /<option value="15k_50k" selected>/);
    assert.match(answer.text, /role="alert"/);
    assert.doesNotMatch(answer.text, /id="name-error"/, 'a valid field has no error');
    assert.deepEqual(await leadsByEmail(server, 'not-an-address'), []);
  });

  it('renders script-looking input as text, never as markup', async () => {
    const attack = '<script>alert("x")</script>';
    const answer = await postForm(server, formFields({ name: `"><img src=x onerror=alert(1)>${attack}`, message: `</textarea>${attack}`, email: 'bad', lang: 'en' }));
    assert.equal(answer.status, 422);
    assert.doesNotMatch(answer.text, /<script>alert/);
    assert.doesNotMatch(answer.text, /<img src=x/);
    assert.match(answer.text, /value="&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;"/);
    assert.match(answer.text, /&lt;\/textarea&gt;&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;<\/textarea>/);
  });

  it('shows a page in the visitor\'s language, not JSON, when the lead cannot be stored', async () => {
    // A real refusal by PostgreSQL for this one address.
    await server.dataSource.query(`ALTER TABLE leads ADD CONSTRAINT spec_refuses_this_address CHECK (email <> 'refused@example.com')`);
    try {
      const answer = await postForm(server, formFields({ email: 'refused@example.com', lang: 'fr' }));
      assert.equal(answer.status, 500);
      assert.match(answer.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(answer.text, /Une erreur est survenue/);
      assert.doesNotMatch(answer.text, /refused@example.com|spec_refuses/, 'no details of the failure');
    } finally {
      await server.dataSource.query(`ALTER TABLE leads DROP CONSTRAINT spec_refuses_this_address`);
    }
  });

  it('takes the longest valid form, every character percent-encoded to three bytes', async () => {
    const euros = (count: number) => '€'.repeat(count);
    const fields = formFields({ email: 'longest@example.com', name: euros(200), company: euros(200), website: euros(500), message: euros(10_000), lang: 'de' });
    assert.ok(new URLSearchParams(fields).toString().length > 98_000, 'about 98 kB');
    const answer = await postForm(server, fields);
    assert.equal(answer.status, 303, answer.text.slice(0, 300));
    const [lead] = await leadsByEmail(server, 'longest@example.com');
    assert.equal(lead!.message.length, 10_000);
  });

  it('answers a filled honeypot like a success and stores nothing', async () => {
    const answer = await postForm(server, formFields({ email: 'bot@spam.example', fax_number: '+1 555 0100', lang: 'fr' }));
    assert.equal(answer.status, 303);
    assert.equal(answer.headers.get('location'), '/thanks?lang=fr');
    assert.deepEqual(await leadsByEmail(server, 'bot@spam.example'), []);
  });
});

describe('the lead form rate limit, held in PostgreSQL', () => {
  let server: TestServer;
  before(async () => {
    // A clock halfway through a window: the counts cannot straddle a boundary, and Retry-After is exact.
    server = await startTestServer({ env: { FORM_RATE_LIMIT: '3/10m' }, clock: { now: () => new Date('2026-03-02T12:05:00Z') } });
  });
  after(() => server.stop());

  it('answers the fourth submission from one address within the window with 429, Retry-After and a friendly page', async () => {
    for (let index = 1; index <= 3; index += 1) {
      const answer = await postForm(server, formFields({ email: `burst${index}@example.com`, lang: 'en' }));
      assert.equal(answer.status, 303, `submission ${index}`);
    }
    const refused = await postForm(server, formFields({ email: 'burst4@example.com', lang: 'es' }));
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '300', 'the window ends at 12:10');
    assert.equal(htmlLang(refused.text), 'es');
    assert.match(refused.text, /Demasiadas consultas/);
    assert.match(refused.text, /unos 5 minuto/);
    assert.deepEqual(await leadsByEmail(server, 'burst4@example.com'), []);
    const rows = (await server.dataSource.query(`SELECT hits FROM rate_limit_counters WHERE bucket = 'lead-form'`)) as { hits: number }[];
    assert.deepEqual(rows.map((row) => row.hits), [4]);
  });

  it('counts concurrent submissions exactly (one atomic upsert each)', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, (_, index) => postForm(server, formFields({ email: `parallel${index}@example.com` }))));
    assert.ok(answers.every((answer) => answer.status === 429));
    const rows = (await server.dataSource.query(`SELECT hits FROM rate_limit_counters WHERE bucket = 'lead-form'`)) as { hits: number }[];
    assert.deepEqual(rows.map((row) => row.hits), [9]);
  });

  it('ignores X-Forwarded-For unless told to trust a proxy (TRUST_PROXY)', async () => {
    const spoofed = await postForm(server, formFields({ email: 'spoofed@example.com' }), { 'x-forwarded-for': '203.0.113.9' });
    assert.equal(spoofed.status, 429);
  });
});

describe('the lead form rate limit behind a trusted reverse proxy', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { FORM_RATE_LIMIT: '1/10m', TRUST_PROXY: '1' }, clock: { now: () => new Date('2026-03-02T12:05:00Z') } });
  });
  after(() => server.stop());

  it('counts each client the proxy names separately', async () => {
    const first = (ip: string) => postForm(server, formFields({ email: `client-${ip}@example.com` }), { 'x-forwarded-for': ip });
    assert.equal((await first('203.0.113.1')).status, 303);
    assert.equal((await first('203.0.113.1')).status, 429);
    assert.equal((await first('203.0.113.2')).status, 303);
    const keys = (await server.dataSource.query(`SELECT key FROM rate_limit_counters WHERE bucket = 'lead-form' ORDER BY key`)) as { key: string }[];
    assert.deepEqual(keys.map((row) => row.key), ['203.0.113.1', '203.0.113.2']);
  });
});
