/**
 * What an e-mail address says about its sender, without any network access: its domain, whether
 * that is a free-mail provider (a person, not a company: no website or company name follows from
 * it) or a disposable inbox (a spam signal). Shared by the intake and enrichment agents.
 */

export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  // International
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'hotmail.co.uk', 'live.com', 'msn.com', 'yahoo.com',
  'yahoo.co.uk', 'ymail.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'pm.me',
  'gmx.com', 'mail.com', 'zoho.com', 'yandex.com', 'tutanota.com', 'tuta.io', 'fastmail.com', 'hey.com',
  // German-speaking
  'gmx.de', 'gmx.net', 'gmx.at', 'gmx.ch', 'web.de', 't-online.de', 'freenet.de', 'posteo.de', 'mailbox.org',
  'arcor.de', 'hotmail.de', 'outlook.de', 'yahoo.de', 'bluewin.ch', 'aon.at', 'online.de', 'email.de',
  // French-speaking
  'orange.fr', 'wanadoo.fr', 'free.fr', 'sfr.fr', 'laposte.net', 'hotmail.fr', 'outlook.fr', 'yahoo.fr', 'live.fr',
  'neuf.fr', 'bbox.fr', 'skynet.be', 'voila.fr',
  // Spanish-speaking
  'hotmail.es', 'outlook.es', 'yahoo.es', 'telefonica.net', 'terra.es', 'movistar.es', 'yahoo.com.mx', 'hotmail.com.ar',
  'live.com.mx', 'prodigy.net.mx',
]);

/** Throwaway inboxes: nobody with a real project writes from one. */
export const DISPOSABLE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'mailinator.com', 'guerrillamail.com', 'guerrillamail.net', 'sharklasers.com', '10minutemail.com', '10minutemail.net',
  'tempmail.com', 'temp-mail.org', 'temp-mail.io', 'throwawaymail.com', 'yopmail.com', 'yopmail.fr', 'trashmail.com',
  'trashmail.de', 'getnada.com', 'dispostable.com', 'maildrop.cc', 'fakeinbox.com', 'mintemail.com', 'mohmal.com',
  'emailondeck.com', 'spamgourmet.com', 'wegwerfmail.de', 'einrot.com', 'mailnesia.com', 'burnermail.io', 'tempr.email',
  'discard.email', 'mytemp.email', 'moakt.com',
]);

/** The lower-cased domain of an address, or null when it is not an address. */
export function emailDomain(email: string | null | undefined): string | null {
  const match = /^[^\s@]+@([^\s@]+\.[^\s@]+)$/.exec((email ?? '').trim().toLowerCase());
  return match ? match[1]!.replace(/\.$/, '') : null;
}

/** A domain or one of its subdomains (mail.yahoo.com, a.mailinator.com) is in the set. */
function inSet(domain: string | null, set: ReadonlySet<string>): boolean {
  if (domain === null) return false;
  const labels = domain.split('.');
  for (let index = 0; index < labels.length - 1; index += 1) {
    if (set.has(labels.slice(index).join('.'))) return true;
  }
  return false;
}

export const isFreeMailDomain = (domain: string | null): boolean => inSet(domain, FREE_MAIL_DOMAINS);
export const isDisposableMailDomain = (domain: string | null): boolean => inSet(domain, DISPOSABLE_MAIL_DOMAINS);

/** A company's own domain: an address's domain unless it is free-mail or disposable. */
export function companyDomain(email: string | null | undefined): string | null {
  const domain = emailDomain(email);
  return domain === null || isFreeMailDomain(domain) || isDisposableMailDomain(domain) ? null : domain;
}

/**
 * A website as `https://host[/path]`: a scheme added when missing, http upgraded, the host lower
 * case, a trailing slash dropped. Null when it does not look like a public host name.
 */
export function normaliseWebsite(raw: string | null | undefined): string | null {
  const text = (raw ?? '').trim();
  if (text === '' || /\s/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const host = url.hostname.toLowerCase();
  if (!/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(host) || url.username || url.password) return null;
  const path = url.pathname.replace(/\/+$/, '');
  return `https://${host}${path}`;
}

/** The host of a website without "www.", for comparing it with an e-mail domain. */
export function websiteDomain(website: string | null | undefined): string | null {
  const normalised = normaliseWebsite(website);
  return normalised === null ? null : new URL(normalised).hostname.replace(/^www\./, '');
}
