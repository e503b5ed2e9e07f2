import { z } from 'zod';
import { Language } from '../entities/enums.js';
import { languageScores } from '../lib/detect-language.js';
import { DATA_NOT_INSTRUCTIONS, delimitedData, leadLanguageSchema } from './agent-support.js';
import type { AgencyConfig } from './agency-config.js';
import { companyDomain, emailDomain, isDisposableMailDomain, normaliseWebsite } from './email-domains.js';
import { findKeywords, normalizeText, wordsOf } from './keyword-matcher.js';
import { readLeadSignals } from './lead-signals.js';
import type { ChatMessage, GenerateObjectResult, LanguageModel } from './models/language-model.js';

/**
 * The intake agent, first in the pipeline: the form's fields cleaned up (e-mail lower case, a
 * website as an https URL, derived from a company address when none was given), the language of
 * the text, whether the lead repeats one of the sender's recent leads, and whether it is junk.
 * Strategy: extract and normalise. Only true junk is spam (SEO and lead-list offers, crypto
 * schemes, link farms, letter soup); other vendors' pitches and job applications are people
 * writing in earnest, and the qualification agent declines them politely.
 */

export const INTAKE_AGENT = { agent: 'intake', strategy: 'extract-and-normalise' } as const;
export const INTAKE_PROMPT_VERSION = 'intake/v1';

const recentLeadSchema = z.object({
  id: z.string().min(1),
  email: z.string().nullable(),
  company: z.string().nullable(),
  /** Untrusted: the start of that lead's message. */
  message: z.string(),
  createdAt: z.union([z.string(), z.date()]).transform((value) => (value instanceof Date ? value.toISOString() : value)),
});

export const intakeInputSchema = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  company: z.string().nullable(),
  website: z.string().nullable(),
  phone: z.string().nullable(),
  /** Untrusted text written by whoever filled in the form. */
  message: z.string(),
  budget: z.union([z.number(), z.string()]).nullable(),
  timeline: z.string().nullable(),
  /** What the form said, if anything; the text decides. */
  language: leadLanguageSchema,
  /** Up to ten earlier leads of the same address or e-mail domain, looked up by the pipeline. */
  recentLeads: z.array(recentLeadSchema).max(10).default([]),
});
export type IntakeInput = z.input<typeof intakeInputSchema>;
type ParsedIntakeInput = z.output<typeof intakeInputSchema>;

export const INTAKE_LANGUAGES = ['DE', 'EN', 'FR', 'ES'] as const;

const intakeObject = z.object({
  reasoning: z.string().min(1).describe('Your thinking, written first: the fields, the language, earlier leads, spam signals. Internal only.'),
  normalised: z.object({
    name: z.string().nullable().describe('The name, trimmed; null when none was given.'),
    email: z.string().nullable().describe('The address trimmed and in lower case; null when none was given.'),
    company: z.string().nullable(),
    website: z
      .string()
      .nullable()
      .describe('An https URL; when none was given, https:// plus the e-mail domain unless that is a free-mail or disposable provider; else null.'),
    phone: z.string().nullable().describe('Digits, spaces and a leading +; null when none was given.'),
  }),
  language: z.enum(INTAKE_LANGUAGES).describe('The language the message is written in, whatever the form said.'),
  languageConfidence: z.number().min(0).max(1),
  duplicateOfLeadId: z
    .string()
    .nullable()
    .describe('The id of a recent lead from the same person about the same need; null otherwise, also when the need differs.'),
  spam: z.object({
    likely: z.boolean().describe('True only for junk: SEO, backlink, guest-post or lead-list offers, crypto schemes, link farms, gibberish. Vendor pitches and job applications are not spam.'),
    signals: z.array(z.string().min(1)).describe('Short English descriptions of what points to junk.'),
  }),
});
export type Intake = z.output<typeof intakeObject>;

/** The output schema for one input: the duplicate must be one of the given leads, the address the given one. */
export function intakeSchema(input: IntakeInput) {
  const parsed = intakeInputSchema.parse(input);
  const ids = parsed.recentLeads.map((lead) => lead.id);
  const email = normaliseEmail(parsed.email);
  return intakeObject.superRefine((value, context) => {
    if (value.duplicateOfLeadId !== null && !ids.includes(value.duplicateOfLeadId)) {
      context.addIssue({
        code: 'custom',
        path: ['duplicateOfLeadId'],
        message: ids.length === 0 ? 'must be null: there are no recent leads' : `must be null or one of ${ids.join(', ')}`,
      });
    }
    if (value.normalised.email !== email) {
      context.addIssue({ code: 'custom', path: ['normalised', 'email'], message: `must be ${email === null ? 'null' : `"${email}"`}: the given address, trimmed and lower case` });
    }
    if (value.normalised.website !== null && normaliseWebsite(value.normalised.website) !== value.normalised.website) {
      context.addIssue({ code: 'custom', path: ['normalised', 'website'], message: 'must be null or an https URL such as https://example.com' });
    }
    if (value.spam.likely && value.spam.signals.length === 0) {
      context.addIssue({ code: 'custom', path: ['spam', 'signals'], message: 'must name at least one signal when spam is likely' });
    }
  });
}

export function buildIntakePrompt(input: ParsedIntakeInput, agency: AgencyConfig): { system: string; messages: ChatMessage[] } {
  const system = [
    `You do the intake of inbound leads for ${agency.name}, a software development agency.`,
    '',
    '1. Normalise the fields: name and company trimmed; the e-mail address trimmed and in lower case; the website as an https URL',
    '   (http becomes https, a missing scheme is added); with no website, https:// plus the e-mail domain unless it is a free-mail',
    '   provider (gmail.com, outlook.com, gmx.de, orange.fr …) or a disposable inbox; the phone as digits, spaces and a leading +.',
    '2. The language of the message (DE, EN, FR or ES), whatever the form said, and how sure you are (0 to 1).',
    '3. Earlier leads of the same address or domain are listed: duplicateOfLeadId is the id of one that comes from the same person',
    '   about the same need; a colleague, or the same person with a new need, is not a duplicate.',
    '4. Spam: likely only for junk: SEO, backlink, guest-post or lead-list offers, crypto schemes, link farms, gibberish, all-caps',
    '   shouting, disposable addresses. Another company pitching its services and a job application are NOT spam: people wrote',
    '   them in earnest and they get a polite answer later. Signals are short English descriptions.',
    '',
    ...DATA_NOT_INSTRUCTIONS,
    'The lead and the earlier leads are given as JSON between <lead> and </lead> and between <recent_leads> and </recent_leads>.',
  ].join('\n');
  const { recentLeads, ...lead } = input;
  return {
    system,
    messages: [{ role: 'user', content: `Do the intake of this lead.\n${delimitedData('lead', lead)}\n${delimitedData('recent_leads', recentLeads)}` }],
  };
}

export async function intake(
  model: LanguageModel,
  input: IntakeInput,
  agency: AgencyConfig,
  run: { leadId?: string | null; promptVersion?: string; signal?: AbortSignal } = {},
): Promise<GenerateObjectResult<Intake>> {
  const parsed = intakeInputSchema.parse(input);
  return model.generateObject({
    ...buildIntakePrompt(parsed, agency),
    schema: intakeSchema(parsed),
    schemaName: 'lead_intake',
    temperature: 0,
    signal: run.signal,
    offline: () => intakeOffline(parsed, agency),
    run: { ...INTAKE_AGENT, promptVersion: run.promptVersion ?? INTAKE_PROMPT_VERSION, leadId: run.leadId ?? null },
  });
}

// ---------------------------------------------------------------------------------------------
// Normalisation

const clean = (text: string | null | undefined): string | null => {
  const value = (text ?? '').replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return value === '' ? null : value;
};

export function normaliseEmail(email: string | null | undefined): string | null {
  return clean(email)?.toLowerCase() ?? null;
}

/** "anna MÜLLER" and "ANNA MÜLLER" become "Anna Müller"; a name written with care stays as it is. */
function normaliseName(name: string | null): string | null {
  const value = clean(name);
  if (value === null) return null;
  if (value !== value.toLowerCase() && value !== value.toUpperCase()) return value;
  return value.toLowerCase().replace(/(^|[\s'-])(\p{L})/gu, (_match, before: string, letter: string) => before + letter.toUpperCase());
}

/** "+49 (0)30 123-456" becomes "+49 30 123456"; fewer than six digits is no number. */
function normalisePhone(phone: string | null): string | null {
  const value = clean(phone);
  if (value === null) return null;
  const plain = value
    .replace(/^00(?=\d)/, '+')
    .replace(/(\+\d{1,3})\s*\(0\)\s*/, '$1 ')
    .replace(/[^\d+\s]/g, '')
    .replace(/(?!^)\+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return (plain.match(/\d/g) ?? []).length >= 6 ? plain : null;
}

// ---------------------------------------------------------------------------------------------
// Spam

/** Offers to push the agency's own site: never an inquiry for software. */
const SEO_OFFERS = [
  'backlink', 'backlinks', 'link building', 'linkbuilding', 'dofollow', 'do follow', 'domain authority', 'seo services',
  'seo service', 'seo package', 'rank your website', 'rank your site', 'first page of google', 'top of google',
  'suchmaschinenoptimierung fur ihre', 'seo paket', 'erste seite bei google', 'ganz oben bei google',
  'netlinking', 'liens retour', 'premiere page de google', 'referencement de votre site',
  'posicionamiento de su web', 'posicionamiento seo', 'enlaces de calidad', 'primera pagina de google',
];
const GUEST_POSTS = [
  'guest post', 'guest posts', 'guest posting', 'sponsored post', 'sponsored article', 'gastbeitrag', 'gastbeitrage',
  'gastartikel', 'article invite', 'articles invites', 'article sponsorise', 'articulo invitado', 'articulos invitados',
  'post patrocinado', 'articulo patrocinado',
];
const LEAD_LISTS = [
  'lead list', 'leads list', 'email list', 'email lists', 'b2b database', 'contact database', 'verified leads', 'decision makers list',
  'list of decision makers', 'adressliste', 'adresslisten', 'adressdaten kaufen', 'leads kaufen', 'firmendatenbank',
  'fichier de prospects', 'fichiers emails', 'base de donnees b2b', 'base de donnees de prospects',
  'lista de leads', 'base de datos de contactos', 'base de datos b2b', 'listas de correo',
];
/**
 * Selling to the reader: what turns "backlinks" or "email list" from a topic (an SEO team's tool,
 * a CRM for a newsletter) into an offer.
 */
const OFFER_CUES = [
  'we offer', 'we sell', 'we provide', 'we can provide', 'we are offering', 'i offer', 'i sell', 'i can provide', 'for sale',
  'cheap', 'affordable', 'per link', 'high quality', 'whatsapp', 'telegram', 'skype', 'dm me', 'reply yes', 'your website', 'your site', 'your blog', 'your business', 'your sales team',
  'wir bieten', 'wir verkaufen', 'ich biete', 'zu verkaufen', 'gunstig', 'hochwertige', 'ihre website', 'ihre webseite', 'ihrer website',
  'ihre seite', 'ihrer seite', 'ihren blog', 'ihr vertrieb',
  'nous proposons', 'nous offrons', 'nous vendons', 'je propose', 'a vendre', 'pas cher', 'de qualite', 'votre site', 'votre blog',
  'votre entreprise', 'vos commerciaux',
  'ofrecemos', 'vendemos', 'ofrezco', 'a la venta', 'barato', 'economico', 'de calidad', 'su web', 'su sitio', 'su pagina', 'su blog',
  'su empresa', 'su equipo comercial',
];

const CRYPTO = [
  'crypto', 'cryptocurrency', 'bitcoin', 'btc', 'ethereum', 'usdt', 'nft', 'airdrop', 'token sale', 'krypto',
  'kryptowahrung', 'cryptomonnaie', 'criptomoneda', 'criptomonedas',
];
/** Crypto with money promised: a scheme, not a request to build a wallet app. */
const MONEY_PROMISES = [
  'invest', 'investment', 'profit', 'profits', 'returns', 'earn', 'giveaway', 'double your', 'passive income', 'guaranteed',
  'rendite', 'gewinn', 'gewinne', 'investieren', 'verdienen', 'investir', 'rendement', 'gagner', 'benefices',
  'invertir', 'inversion', 'ganancias', 'ganar', 'rentabilidad',
];

/** Profiles an applicant or a genuine sender links to: not what a link farm is made of. */
const PROFILE_HOSTS = /^(?:https?:\/\/)?(?:www\.)?(?:[a-z0-9-]+\.)?(?:linkedin\.com|xing\.com|github\.com|gitlab\.com|behance\.net|dribbble\.com|stackoverflow\.com)\b/i;

/**
 * Bulk-mail junk. Deliberately not the qualification's wider list: words such as "abmelden"
 * (log out), "dating site" or "forex" also occur in genuine requests for software.
 */
const JUNK = [
  'viagra', 'cialis', 'lottery winner', 'lotteriegewinn', 'jackpot', 'free spins', 'casino bonus', 'double your money',
  'make money fast', 'earn money from home', 'work from home and earn', 'geld verdienen von zuhause', 'schnell reich',
  'gagner de l argent facilement', 'argent facile', 'ganar dinero desde casa', 'dinero facil', 'adult content', 'hot singles',
  'click here', 'klicken sie hier', 'cliquez ici', 'haga clic aqui', 'buy followers', 'follower kaufen', 'acheter des abonnes',
  'comprar seguidores', 'cheap loans', 'kredit ohne schufa', 'pret rapide sans', 'prestamo rapido', 'weight loss pills',
  'abnehmen ohne', 'maigrir vite', 'adelgazar rapido', 'you have won', 'sie haben gewonnen', 'vous avez gagne', 'ha ganado',
];

/** http(s) and www links, and bare domains that are not part of an e-mail address; profiles not counted. */
function countLinks(raw: string): number {
  const links = (raw.match(/https?:\/\/\S+|www\.\S+/gi) ?? []).filter((link) => !PROFILE_HOSTS.test(link));
  const rest = raw.replace(/https?:\/\/\S+|www\.\S+/gi, ' ');
  const bare = (rest.match(/(?<![@\w.-])[a-z0-9][a-z0-9-]*\.(?:com|net|org|info|biz|xyz|top|site|online|ru|io|shop|click|link)\b/gi) ?? []).filter((link) => !PROFILE_HOSTS.test(link));
  return links.length + bare.length;
}

/** Letter soup: tokens mixing letters, digits and symbols at random. */
function randomCharacters(raw: string): boolean {
  const tokens = raw.split(/\s+/).filter((token) => token.length >= 5);
  if (tokens.length < 3) return false;
  const random = tokens.filter((token) => /\d/.test(token) && /\p{L}/u.test(token) && /[^\p{L}\d]/u.test(token.replace(/[.,!?]$/, '')) || /^(?=.*\p{Lu})(?=.*\p{Ll})(?=.*\d)\S+$/u.test(token));
  return random.length / tokens.length >= 0.5;
}

/** SHOUTING: at least twenty letters, nearly all capitals. */
function allCaps(raw: string): boolean {
  const letters = raw.match(/\p{L}/gu) ?? [];
  const upper = raw.match(/\p{Lu}/gu) ?? [];
  return letters.length >= 20 && upper.length / letters.length >= 0.8;
}

/** The junk signals of a lead: each with a weight, two points make spam likely. */
export function spamSignals(input: { email: string | null; message: string }): { likely: boolean; signals: string[] } {
  const text = normalizeText(input.message);
  const leadSignals = readLeadSignals(text, input.message);
  const found: { signal: string; weight: number }[] = [];
  const add = (signal: string, weight: number) => found.push({ signal, weight });
  const list = (keywords: string[]) => keywords.slice(0, 4).join(', ');

  // A topic alone ("a dashboard of our backlinks") weighs one; offered to the reader, two.
  const offer = findKeywords(text, OFFER_CUES).length > 0;
  const offered = (keywords: string[], what: string) => {
    const hits = findKeywords(text, keywords);
    if (hits.length > 0) add(offer ? `${what} offer (${list(hits)})` : `mentions ${what} terms (${list(hits)})`, offer ? 2 : 1);
  };
  offered(SEO_OFFERS, 'SEO or backlink');
  offered(GUEST_POSTS, 'guest-post');
  offered(LEAD_LISTS, 'lead-list');
  const crypto = findKeywords(text, CRYPTO);
  if (crypto.length > 0) {
    const money = findKeywords(text, MONEY_PROMISES);
    if (money.length > 0) add(`crypto scheme (${list([...crypto, ...money])})`, 2);
    else add(`mentions crypto (${list(crypto)})`, 1);
  }
  const junk = findKeywords(text, JUNK);
  if (junk.length > 0) add(`bulk-mail terms (${list(junk)})`, 2);
  const links = countLinks(input.message);
  if (links >= 5) add(`link farm: ${links} links`, 2);
  else if (links >= 3) add(`many links: ${links}`, 1);
  if (leadSignals.gibberish || randomCharacters(input.message)) add('gibberish: hardly any real words', 2);
  if (allCaps(input.message)) add('written in capitals', 1);
  const domain = emailDomain(input.email);
  if (isDisposableMailDomain(domain)) add(`disposable e-mail domain (${domain})`, 1);

  const points = found.reduce((sum, entry) => sum + entry.weight, 0);
  return { likely: points >= 2, signals: found.map((entry) => entry.signal) };
}

// ---------------------------------------------------------------------------------------------
// Language and duplicates

const LANGUAGE_CODE: Record<Language, (typeof INTAKE_LANGUAGES)[number]> = { de: 'DE', en: 'EN', fr: 'FR', es: 'ES' };

/**
 * The language of the text and how sure that is: the winner's share of all the evidence, damped
 * when there is little evidence at all. With none, the form's language (else English), unsure.
 */
export function detectLeadLanguage(text: string, stated: (typeof INTAKE_LANGUAGES)[number] | null): { language: (typeof INTAKE_LANGUAGES)[number]; confidence: number } {
  const scores = Object.entries(languageScores(text)) as [Language, number][];
  const total = scores.reduce((sum, [, score]) => sum + score, 0);
  const [best, bestScore] = scores.reduce((winner, entry) => (entry[1] > winner[1] ? entry : winner));
  if (bestScore < 1) return { language: stated ?? 'EN', confidence: stated ? 0.4 : 0.2 };
  const language = LANGUAGE_CODE[best];
  // One "hi" proves little; half a dozen function words are as sure as it gets.
  let confidence = (bestScore / total) * Math.min(1, 0.25 + bestScore / 8);
  if (stated === language) confidence = Math.min(1, confidence + 0.1);
  return { language, confidence: Math.round(confidence * 100) / 100 };
}

/** Content words (five letters or more), without accents: what two messages about one need share. */
function contentWords(text: string): Set<string> {
  return new Set(wordsOf(normalizeText(text)).filter((word) => word.length >= 5 && !/^\d+$/.test(word)));
}

/** How much of the shorter message the longer one repeats (the earlier message is only an excerpt). */
export function messageOverlap(a: string, b: string): number {
  const left = contentWords(a);
  const right = contentWords(b);
  const smaller = Math.min(left.size, right.size);
  if (smaller === 0) return normalizeText(a) === normalizeText(b) && normalizeText(a) !== '' ? 1 : 0;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared += 1;
  // A three-word excerpt proves little: ask for more overlap from short texts.
  return (shared / smaller) * Math.min(1, smaller / 4);
}

/**
 * The same person about the same need: the same address and a message that mostly repeats the
 * earlier one; from another address of the same domain, only a near copy (a colleague with a new
 * need is a new lead). The most similar wins, then the most recent.
 */
function findDuplicate(input: ParsedIntakeInput, email: string | null): { id: string; overlap: number; sameAddress: boolean } | null {
  const domain = emailDomain(email);
  let best: { id: string; overlap: number; sameAddress: boolean; createdAt: string } | null = null;
  for (const lead of input.recentLeads) {
    const earlier = normaliseEmail(lead.email);
    const sameAddress = email !== null && earlier === email;
    const sameDomain = domain !== null && emailDomain(earlier) === domain;
    if (!sameAddress && !sameDomain) continue;
    const overlap = messageOverlap(input.message, lead.message);
    if (overlap < (sameAddress ? 0.6 : 0.85)) continue;
    if (best === null || overlap > best.overlap || (overlap === best.overlap && lead.createdAt > best.createdAt)) {
      best = { id: lead.id, overlap, sameAddress, createdAt: lead.createdAt };
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------

/** The deterministic intake: the same four steps as the prompt, by rules. */
export function intakeOffline(input: IntakeInput, _agency: AgencyConfig): Intake {
  const parsed = intakeInputSchema.parse(input);
  const email = normaliseEmail(parsed.email);
  const given = normaliseWebsite(parsed.website);
  const derived = companyDomain(email);
  const website = given ?? (derived ? `https://${derived}` : null);
  const normalised = {
    name: normaliseName(parsed.name),
    email,
    company: clean(parsed.company),
    website,
    phone: normalisePhone(parsed.phone),
  };
  const { language, confidence } = detectLeadLanguage(parsed.message, parsed.language);
  const duplicate = findDuplicate(parsed, email);
  const spam = spamSignals({ email, message: parsed.message });
  const domain = emailDomain(email);

  const steps = [
    `Fields: ${email === null ? 'no e-mail address' : `e-mail ${email}`}; website ${
      given ? 'as given' : website ? `derived from the company domain ${derived}` : domain ? `none (${domain} is a free-mail or disposable provider)` : 'none'
    }${parsed.website && !given ? ' (the given one is not a valid address)' : ''}.`,
    `Language: ${language} with confidence ${confidence}${parsed.language && parsed.language !== language ? ` (the form said ${parsed.language})` : ''}.`,
    parsed.recentLeads.length === 0
      ? 'Earlier leads: none.'
      : duplicate
        ? `Earlier leads: ${parsed.recentLeads.length}; ${duplicate.id} ${duplicate.sameAddress ? 'from the same address' : 'from the same domain'} repeats this need (overlap ${duplicate.overlap.toFixed(2)}).`
        : `Earlier leads: ${parsed.recentLeads.length}, none about the same need from the same person.`,
    spam.signals.length === 0 ? 'Spam: no signals.' : `Spam: ${spam.likely ? 'likely' : 'unlikely'}; ${spam.signals.join('; ')}.`,
  ];
  return {
    reasoning: steps.map((step, index) => `${index + 1}. ${step}`).join('\n'),
    normalised,
    language,
    languageConfidence: confidence,
    duplicateOfLeadId: duplicate?.id ?? null,
    spam,
  };
}
