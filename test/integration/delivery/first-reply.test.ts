import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { detectLanguage } from '../../../src/lib/detect-language.js';
import { graphql } from '../../helpers/graphql.js';
import { readLead, settled, submitLead, waitForLead } from '../../helpers/pipeline.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';

describe('the first reply by e-mail', () => {
  let server: TestServer;
  let smtp: TestSmtpServer;
  before(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ worker: true, env: { SMTP_URL: smtp.url, MAIL_FROM: 'Berneby Development <sales@berneby.example>', PUBLIC_URL: 'https://leads.example' } });
  });
  after(async () => {
    await server?.stop();
    await smtp?.stop();
  });

  it("reaches the lead's mailbox in the lead's language, and first_response_at is when the server accepted it", async () => {
    const email = 'k.vogel@vogel-haustechnik.de';
    const captured = new Date();
    const id = await submitLead(server, {
      name: 'Katrin Vogel',
      email,
      company: 'Vogel Haustechnik GmbH',
      message: 'Guten Tag, wir möchten unsere Einsatzplanung digitalisieren: eine Web-App für das Büro und eine mobile App für die Monteure mit Auftragsliste, Fotos und Unterschrift. Die Daten sollen in unser ERP übertragen werden.',
      budget: 60000,
    });
    const [mail] = await smtp.waitFor(email);
    const lead = await waitForLead(server, id, (current) => current.firstResponseAt !== null);
    const reply = lead.outboundMessages.find((message: any) => message.kind === 'first_reply');
    assert.equal(reply.status, 'SENT');
    assert.equal(detectLanguage(mail!.parsed.text ?? ''), 'de');
    assert.match(mail!.parsed.text ?? '', /Berneby Development/);
    assert.match(mail!.parsed.text ?? '', /https:\/\/leads\.example\/unsubscribe\//);
    assert.match(String(mail!.parsed.html), /<p>/);
    const [row] = await server.dataSource.query(`SELECT message_id, sent_at FROM outbound_messages WHERE lead_id = $1 AND kind = 'first_reply'`, [id]);
    assert.equal(mail!.parsed.messageId, row.message_id);
    assert.equal(new Date(lead.firstResponseAt).getTime(), new Date(row.sent_at).getTime(), 'the acceptance, not the writing');
    assert.ok(new Date(lead.firstResponseAt) >= captured);
  });

  it('declines politely by e-mail, and sends spam nothing', async () => {
    const email = 'lena.hoffmann@posteo.de';
    await submitLead(server, {
      name: 'Lena Hoffmann',
      email,
      message: 'Hallo, ich bin Frontend-Entwicklerin mit drei Jahren Erfahrung in React und suche eine neue Stelle. Haben Sie offene Positionen? Meinen Lebenslauf sende ich gern zu.',
    });
    const [mail] = await smtp.waitFor(email);
    assert.equal(detectLanguage(mail!.parsed.text ?? ''), 'de');
    const spam = await submitLead(server, {
      name: 'SEO Experts',
      email: 'offers@rank-boost-seo.biz',
      message: 'We can get your website to the first page of Google! Cheap backlinks, guest posts on high DA sites, 1000 backlinks for $99. Visit http://rank-boost-seo.biz http://cheap-links.biz http://seo-now.biz',
    });
    const lead = await waitForLead(server, spam, settled);
    assert.equal(lead.status, 'SPAM');
    assert.equal((await readLead(server, spam)).outboundMessages.length, 0);
    assert.equal(smtp.to('offers@rank-boost-seo.biz').length, 0);
  });
});

describe('the first reply without SMTP_URL', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ worker: true });
  });
  after(() => server?.stop());

  it('stays in the outbox, and first_response_at is when it was written', async () => {
    const id = await submitLead(server, {
      name: 'Daniel Brooks',
      email: 'daniel@brookslearning.co.uk',
      message: 'Hi, we need an online booking platform: customers browse courses, book and pay by card, and get reminder e-mails. Staff need an admin dashboard. Could you send us a proposal?',
    });
    const lead = await waitForLead(server, id, (current) => current.firstResponseAt !== null);
    const reply = lead.outboundMessages.find((message: any) => message.kind === 'first_reply');
    assert.equal(reply.status, 'PENDING');
    const listed = await graphql(server.graphqlUrl, `{ outboundMessages(status: PENDING) { edges { node { kind recipient payload } } } }`, { key: server.keys.viewer });
    const node = listed.data!['outboundMessages'].edges.map((edge: any) => edge.node).find((message: any) => message.recipient === 'daniel@brookslearning.co.uk');
    assert.equal(node.kind, 'first_reply');
    assert.match(node.payload.text, /Daniel/);
    assert.match(node.payload.html, /<p>/);
  });
});
