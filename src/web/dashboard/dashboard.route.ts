import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Response } from 'express';

/**
 * The dashboard's files: plain ES modules and CSS in the repository (src/web/dashboard/public),
 * served as they are; nothing is fetched from anywhere else at run time. Found from this module's
 * place whether it runs from dist/ or not.
 */
export function dashboardAssetsDirectory(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = path.join(directory, 'src', 'web', 'dashboard', 'public');
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    directory = path.dirname(directory);
  }
  throw new Error('The dashboard files (src/web/dashboard/public) are missing from this installation.');
}

/** Scripts and styles from this origin only; no inline script or style, no framing, no plugins. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function secure(response: Response): void {
  response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('x-frame-options', 'DENY');
}

/**
 * `GET /dashboard` and every path under it (deep links such as /dashboard/proposals/<id>, which
 * e-mails and Slack link to) answer the single-page app; /dashboard/assets/* are its files.
 */
export function dashboardRouter(): Router {
  const directory = dashboardAssetsDirectory();
  const router = Router();
  router.use(
    '/dashboard/assets',
    (_request, response, next) => {
      secure(response);
      next();
    },
    express.static(directory, { index: false, fallthrough: false, maxAge: '5m' }),
  );
  router.get(['/dashboard', '/dashboard/*rest'], (_request, response) => {
    secure(response);
    response.setHeader('cache-control', 'no-cache');
    response.sendFile(path.join(directory, 'index.html'));
  });
  return router;
}
