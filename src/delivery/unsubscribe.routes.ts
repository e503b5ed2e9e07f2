import express, { type Request, type Response, type Router } from 'express';
import { agencyLanguage } from '../agents/agent-support.js';
import type { OutboxService } from '../services/outbox.service.js';
import { escapeHtml } from './templates/layout.js';
import { MAIL_TEXTS } from './templates/mail-texts.js';

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * `GET /unsubscribe/:token` shows a confirmation page (a link scanner's GET changes nothing);
 * `POST` records it, from the page's button or a mail client's one-click List-Unsubscribe-Post.
 */
export function unsubscribeRoutes(outbox: Pick<OutboxService, 'unsubscribe' | 'unsubscribeLanguage'>): Router {
  const router = express.Router();
  router.get('/unsubscribe/:token', async (request: Request, response: Response) => {
    const token = String(request.params['token']);
    const language = TOKEN.test(token) ? await outbox.unsubscribeLanguage(token) : null;
    const texts = MAIL_TEXTS[agencyLanguage(language ?? 'en')].unsubscribePage;
    if (!language) {
      response.status(404).type('html').send(page(texts.title, `<p>${escapeHtml(texts.unknown)}</p>`, 'en'));
      return;
    }
    const body = `<p>${escapeHtml(texts.question)}</p><form method="post" action="/unsubscribe/${escapeHtml(token)}"><button type="submit">${escapeHtml(texts.button)}</button></form>`;
    response.type('html').send(page(texts.title, body, language));
  });
  router.post('/unsubscribe/:token', express.urlencoded({ extended: false, limit: '10kb' }), async (request: Request, response: Response) => {
    const token = String(request.params['token']);
    const language = TOKEN.test(token) ? await outbox.unsubscribeLanguage(token) : null;
    const done = language ? await outbox.unsubscribe(token) : false;
    const texts = MAIL_TEXTS[agencyLanguage(language ?? 'en')].unsubscribePage;
    if (!done) {
      response.status(404).type('html').send(page(texts.title, `<p>${escapeHtml(texts.unknown)}</p>`, 'en'));
      return;
    }
    response.type('html').send(page(texts.title, `<p>${escapeHtml(texts.done)}</p>`, language!));
  });
  return router;
}

function page(title: string, body: string, language: string): string {
  return `<!doctype html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head><body style="font-family: Arial, sans-serif; max-width: 40rem; margin: 3rem auto;"><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}
