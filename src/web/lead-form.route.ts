import express, { type Request, type Response, type Router } from 'express';
import type { Config } from '../config.js';
import type { Language } from '../entities/enums.js';
import type { Services } from '../services/index.js';
import { FORM_TEXTS } from './form-texts.js';
import { readFormBody, validateLeadForm } from './lead-form.input.js';
import { renderLeadFormPage } from './lead-form.page.js';
import { renderNoticePage } from './notice.page.js';
import { choosePageLanguage } from './page-language.js';
import { renderThankYouPage } from './thank-you.page.js';

/** The longest valid form, urlencoded, is about 98 kB (10,900 characters, 9 bytes each for € as %E2%82%AC); room above that. */
const FORM_BODY_LIMIT = '256kb';
const RATE_LIMIT_BUCKET = 'lead-form';

// The pages run no script and load nothing: the policy says so, and blocks anything injected.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface LeadFormDependencies {
  readonly config: Config;
  readonly services: Services;
}

/** `GET /` the lead-capture page, `POST /` its submission (urlencoded, no JavaScript needed), `GET /thanks`. */
export function leadFormRouter({ config, services }: LeadFormDependencies): Router {
  const router = express.Router();

  router.get('/', (request, response) => {
    const language = choosePageLanguage(request.query.lang, request.header('accept-language'));
    sendPage(response, 200, language, renderLeadFormPage({ language }));
  });

  router.get('/thanks', (request, response) => {
    const language = choosePageLanguage(request.query.lang, request.header('accept-language'));
    sendPage(response, 200, language, renderThankYouPage(language));
  });

  router.post('/', express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT, parameterLimit: 50 }), async (request: Request, response: Response) => {
    const submission = readFormBody(request.body);
    const language = choosePageLanguage(submission.language ?? request.query.lang, request.header('accept-language'));
    const texts = FORM_TEXTS[language];

    // Every POST counts, valid or not: the limit is there for whoever sends too many.
    const limit = await services.rateLimits.hit(RATE_LIMIT_BUCKET, request.ip ?? request.socket.remoteAddress ?? 'unknown', config.form.rateLimit);
    if (!limit.allowed) {
      request.log.warn({ hits: limit.hits }, 'lead form rate limit reached');
      response.setHeader('Retry-After', String(limit.retryAfterSeconds));
      const minutes = Math.max(1, Math.ceil(limit.retryAfterSeconds / 60));
      return sendPage(response, 429, language, renderNoticePage(language, { title: texts.tooManyTitle, body: texts.tooManyBody(minutes) }));
    }

    if (submission.honeypotFilled) {
      // A bot: it gets the thank-you page like anyone, so it learns nothing, and nothing is stored.
      request.log.info('lead form honeypot filled; nothing stored');
      return response.redirect(303, `/thanks?lang=${language}`);
    }

    const validation = validateLeadForm(submission.values, language, texts);
    if (!validation.valid) {
      return sendPage(response, 422, language, renderLeadFormPage({ language, values: submission.values, errors: validation.errors }));
    }
    try {
      const { lead, created } = await services.leads.submit(validation.input, 'web:lead-form', {
        activityData: { consent: { given: true, text: texts.consent, language } },
      });
      request.log.info({ leadId: lead.id, created }, 'lead form submitted');
    } catch (error) {
      // A visitor gets a page in their language, not the JSON the API's callers get.
      request.log.error({ err: error }, 'lead form submission could not be stored');
      return sendPage(response, 500, language, renderNoticePage(language, { title: texts.failedTitle, body: texts.failedBody }));
    }
    // Post/redirect/get: reloading the thank-you page does not send the form again.
    response.redirect(303, `/thanks?lang=${language}`);
  });

  return router;
}

function sendPage(response: Response, status: number, language: Language, markup: string): void {
  response
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Language': language,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
      'Cache-Control': 'no-store',
      Vary: 'Accept-Language',
    })
    .send(markup);
}
