import { z } from 'zod';
import { agencyLanguage, DATA_NOT_INSTRUCTIONS, delimitedData, leadLanguageSchema } from './agent-support.js';
import type { AgencyConfig, AgencyLanguage } from './agency-config.js';
import type { ChatMessage, GenerateObjectResult, LanguageModel } from './models/language-model.js';
import { dateTimeFormat } from '../lib/intl-formats.js';

/**
 * The follow-up writer: a short, friendly reminder about a proposal that was sent and not yet
 * answered, with one call to action, in the lead's language. The first two ask whether questions
 * are open and offer a short call; the third and later ones are a polite last check-in. The
 * validity is mentioned when it ends within a week (or has ended). It never offers a discount or
 * any other term that is not in the proposal. Strategy: chain of thought.
 */

export const WRITE_FOLLOW_UP_AGENT = { agent: 'follow-up-writer', strategy: 'chain-of-thought' } as const;
export const WRITE_FOLLOW_UP_PROMPT_VERSION = 'write-follow-up/v1';

/** The validity is "near" from this many days before its end. */
export const VALIDITY_NEAR_DAYS = 7;

/** An ISO 8601 date, or a Date as the entities hold it (sent to the model as its ISO string). */
const isoDate = z.union([z.date().transform((value) => value.toISOString()), z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 date')]);

/** Forms of address and titles that may precede a first name; abbreviations ending in a full stop are skipped too. */
const HONORIFICS = new Set(['herr', 'frau', 'dr', 'prof', 'mr', 'mrs', 'ms', 'miss', 'mx', 'sir', 'madam', 'monsieur', 'madame', 'mademoiselle', 'mme', 'mlle', 'señor', 'señora', 'señorita', 'sr', 'sra', 'srta', 'don', 'doña', 'dra', 'ing', 'dipl', 'mag']);

/**
 * The lead's first name only: the first word that is not a title or form of address, its letters
 * (a hyphen or apostrophe between letters kept, for Anna-Lena or D'Arcy), at most 40 characters;
 * null when nothing is left. Whatever else the name field holds (a surname, an instruction) never
 * reaches the message or the model.
 */
export function sanitiseFirstName(name: string | null | undefined): string | null {
  const words = (name ?? '').normalize('NFC').trim().split(/[\s,]+/).filter((word) => word.length > 0);
  const first = words.find((word) => !word.endsWith('.') && !HONORIFICS.has(word.toLowerCase())) ?? '';
  const letters = first.replace(/[^\p{L}\p{M}'’-]/gu, '').replace(/^['’-]+|['’-]+$/g, '').replace(/['’-]{2,}/g, '-');
  const capped = letters.slice(0, 40).replace(/['’-]+$/, '');
  return capped.length > 0 ? capped : null;
}

export const writeFollowUpInputSchema = z.object({
  language: leadLanguageSchema,
  /** Untrusted: as the lead typed it; only the sanitised first name is used. */
  leadName: z.string().nullable().transform(sanitiseFirstName),
  /** Untrusted: as the lead typed it. */
  company: z.string().nullable(),
  proposal: z.object({
    title: z.string().min(1),
    total: z.number().nonnegative(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    sentAt: isoDate,
    validUntil: isoDate.nullable(),
  }),
  /** 1 for the first follow-up after the proposal, 2 for the second, … */
  followUpNumber: z.number().int().min(1),
  daysSinceSent: z.number().int().nonnegative(),
  /** Subjects of the follow-ups already sent, so that this one does not repeat them. */
  earlierSubjects: z.array(z.string()).default([]),
});
export type WriteFollowUpInput = z.input<typeof writeFollowUpInputSchema>;
type ParsedInput = z.output<typeof writeFollowUpInputSchema>;

const followUpObject = z.object({
  reasoning: z.string().min(1).describe('Your step-by-step thinking, written first: which follow-up this is, the tone it needs, whether the validity is near, the one call to action. Internal only.'),
  subject: z.string().min(1).max(120).describe("The e-mail subject in the lead's language; different from the earlier follow-ups' subjects."),
  body: z.string().min(1).max(1500).describe("The e-mail body as plain text (no Markdown, no HTML) in the lead's language: greeting, at most three short paragraphs, one call to action, the agency's signature."),
});
export type FollowUp = z.output<typeof followUpObject>;

/** Words that offer a price concession, in the four languages; a follow-up never offers one. */
const CONCESSION = /\d\s*%|\b(rabatt|nachlass|preisnachlass|sonderpreis|skonto|discount|reduced price|special price|remise|réduction|rabais|prix spécial|descuento|rebaja|precio especial)/iu;

/** The output schema: plain text, a new subject, and no concession the proposal does not hold. */
export function followUpSchema(input: WriteFollowUpInput) {
  const parsed = writeFollowUpInputSchema.parse(input);
  const earlier = new Set(parsed.earlierSubjects.map((subject) => subject.trim().toLowerCase()));
  return followUpObject.superRefine((value, context) => {
    if (earlier.has(value.subject.trim().toLowerCase())) context.addIssue({ code: 'custom', path: ['subject'], message: 'must differ from the subjects of the earlier follow-ups' });
    for (const key of ['subject', 'body'] as const) {
      if (CONCESSION.test(value[key])) context.addIssue({ code: 'custom', path: [key], message: 'must not offer a discount, a percentage or any price concession' });
      if (/<\/?[a-z][^>]*>|\*\*|^#+\s/im.test(value[key])) context.addIssue({ code: 'custom', path: [key], message: 'must be plain text, without Markdown or HTML' });
    }
  });
}

/** Days left until the validity ends, counted from the day of this follow-up; null without a validity. */
export function daysOfValidityLeft(input: Pick<ParsedInput, 'proposal' | 'daysSinceSent'>): number | null {
  if (input.proposal.validUntil === null) return null;
  const today = Date.parse(input.proposal.sentAt) + input.daysSinceSent * 86_400_000;
  return Math.floor((Date.parse(input.proposal.validUntil) - today) / 86_400_000);
}

export function buildWriteFollowUpPrompt(input: ParsedInput, agency: AgencyConfig): { system: string; messages: ChatMessage[] } {
  const language = agencyLanguage(input.language);
  const left = daysOfValidityLeft(input);
  const system = [
    `You write follow-up e-mails for ${agency.name}, a software development agency, about a proposal the lead has not answered yet.`,
    '',
    `Write in the lead's language (${language}), formal address (Sie, vous, usted), plain text, no Markdown.`,
    'Short and friendly: a greeting with the first name if given, at most three short paragraphs, exactly one clear call to action',
    '(reply to this e-mail or book a short call), then this signature verbatim:',
    agency.signature[language],
    'Follow-up 1: a light check-in on whether the proposal arrived and questions are open. Follow-up 2: offer a short call to go through it.',
    'Follow-up 3 and later: a polite last check-in that says this is the last reminder and leaves the door open; no pressure.',
    `Mention the validity date only when it ends within ${VALIDITY_NEAR_DAYS} days or has ended (days left: ${left ?? 'no validity date'}).`,
    'Never offer a discount, a percentage, a special price or any term that is not in the proposal. Do not repeat an earlier subject.',
    'Think first and write it into "reasoning".',
    '',
    ...DATA_NOT_INSTRUCTIONS,
    'The lead and the proposal are given as JSON between <follow_up> and </follow_up>.',
  ].join('\n');
  return { system, messages: [{ role: 'user', content: `Write follow-up number ${input.followUpNumber}.\n${delimitedData('follow_up', input)}` }] };
}

export async function writeFollowUp(
  model: LanguageModel,
  input: WriteFollowUpInput,
  agency: AgencyConfig,
  run: { leadId?: string | null; promptVersion?: string; signal?: AbortSignal } = {},
): Promise<GenerateObjectResult<FollowUp>> {
  const parsed = writeFollowUpInputSchema.parse(input);
  return model.generateObject({
    ...buildWriteFollowUpPrompt(parsed, agency),
    schema: followUpSchema(input),
    schemaName: 'follow_up',
    temperature: 0.4,
    signal: run.signal,
    offline: () => writeFollowUpOffline(input, agency),
    run: { ...WRITE_FOLLOW_UP_AGENT, promptVersion: run.promptVersion ?? WRITE_FOLLOW_UP_PROMPT_VERSION, leadId: run.leadId ?? null },
  });
}

interface Phrases {
  greeting: (name: string | null) => string;
  quote: (title: string) => string;
  subjects: { first: string[]; second: string[]; last: string[] };
  first: (title: string, days: number) => string;
  second: (title: string) => string;
  last: (title: string) => string;
  validNear: (date: string, left: number) => string;
  validEnded: (date: string) => string;
  actionFirst: string;
  actionSecond: string;
  actionLast: string;
}

const PHRASES: Record<AgencyLanguage, Phrases> = {
  de: {
    greeting: (name) => (name ? `Hallo ${name},` : 'Guten Tag,'),
    quote: (title) => `„${title}“`,
    subjects: { first: ['Ihr Angebot {t}', 'Kurze Nachfrage zu Ihrem Angebot {t}'], second: ['Offene Fragen zu Ihrem Angebot {t}?', 'Ihr Angebot {t}: kurzes Gespräch?'], last: ['Letzte Nachfrage zu Ihrem Angebot {t}', 'Abschließende Nachfrage: {t}'] },
    first: (title, days) => `vor ${days === 1 ? 'einem Tag' : `${days} Tagen`} haben wir Ihnen unser Angebot ${title} geschickt. Ich wollte kurz nachfragen, ob es gut angekommen ist und ob Fragen offen sind.`,
    second: (title) => `ich melde mich noch einmal zu unserem Angebot ${title}. Oft lassen sich offene Punkte in einem kurzen Gespräch am schnellsten klären.`,
    last: (title) => `dies ist meine letzte Nachfrage zu unserem Angebot ${title}; danach möchte ich Sie nicht weiter mit Erinnerungen belästigen. Falls sich Ihre Pläne geändert haben, ist das völlig in Ordnung.`,
    validNear: (date, left) => `Das Angebot gilt noch bis zum ${date}${left <= 1 ? '' : ` (noch ${left} Tage)`}.`,
    validEnded: (date) => `Die Gültigkeit des Angebots ist am ${date} abgelaufen; gern bestätigen wir es Ihnen erneut.`,
    actionFirst: 'Antworten Sie einfach auf diese E-Mail, wenn Sie Fragen haben oder wir den nächsten Schritt planen sollen.',
    actionSecond: 'Passt Ihnen ein 15-minütiges Telefonat in dieser oder der nächsten Woche? Nennen Sie mir einfach einen Termin, der Ihnen passt.',
    actionLast: 'Wenn das Projekt für Sie weiterhin aktuell ist, genügt eine kurze Antwort auf diese E-Mail, und wir machen gemeinsam weiter.',
  },
  en: {
    greeting: (name) => (name ? `Hi ${name},` : 'Hello,'),
    quote: (title) => `“${title}”`,
    subjects: { first: ['Your proposal {t}', 'Quick check-in on your proposal {t}'], second: ['Any questions about your proposal {t}?', 'Your proposal {t}: a short call?'], last: ['Last check-in on your proposal {t}', 'Closing the loop: {t}'] },
    first: (title, days) => `${days === 1 ? 'Yesterday' : `${days} days ago`} we sent you our proposal ${title}. I wanted to check that it arrived safely and whether any questions have come up.`,
    second: (title) => `I am following up once more on our proposal ${title}. Open points are often easiest to settle in a short conversation.`,
    last: (title) => `this is my last check-in about our proposal ${title}; after this I will not fill your inbox with further reminders. If your plans have changed, that is perfectly fine.`,
    validNear: (date, left) => `The proposal is valid until ${date}${left <= 1 ? '' : ` (${left} days from now)`}.`,
    validEnded: (date) => `The proposal's validity ended on ${date}; we are happy to confirm it again.`,
    actionFirst: 'Simply reply to this e-mail if you have any questions or would like to plan the next step.',
    actionSecond: 'Would a 15-minute call this week or next suit you? Just reply with a time that works for you.',
    actionLast: 'If the project is still on your list, a short reply to this e-mail is all it takes and we will pick it up together.',
  },
  fr: {
    greeting: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
    quote: (title) => `«\u00a0${title}\u00a0»`,
    subjects: { first: ['Votre proposition {t}', 'Petit suivi de votre proposition {t}'], second: ['Des questions sur votre proposition {t}\u00a0?', 'Votre proposition {t}\u00a0: un court échange\u00a0?'], last: ['Dernière relance concernant votre proposition {t}', 'Pour clore notre échange\u00a0: {t}'] },
    first: (title, days) => `il y a ${days === 1 ? 'un jour' : `${days} jours`}, nous vous avons envoyé notre proposition ${title}. Je me permets de vérifier qu’elle vous est bien parvenue et si vous avez des questions.`,
    second: (title) => `je reviens vers vous au sujet de notre proposition ${title}. Les points ouverts se règlent souvent plus vite lors d’un court échange.`,
    last: (title) => `ceci est ma dernière relance au sujet de notre proposition ${title}\u00a0; je ne vous enverrai plus de rappel ensuite. Si vos projets ont changé, c’est tout à fait compréhensible.`,
    validNear: (date, left) => `La proposition est valable jusqu’au ${date}${left <= 1 ? '' : ` (encore ${left}\u00a0jours)`}.`,
    validEnded: (date) => `La validité de la proposition a pris fin le ${date}\u00a0; nous la confirmerons volontiers à nouveau.`,
    actionFirst: 'Il vous suffit de répondre à cet e-mail si vous avez des questions ou souhaitez planifier la suite.',
    actionSecond: 'Un appel de 15\u00a0minutes cette semaine ou la suivante vous conviendrait-il\u00a0? Répondez-moi simplement avec un créneau qui vous arrange.',
    actionLast: 'Si le projet est toujours d’actualité, une courte réponse à cet e-mail suffit et nous reprendrons ensemble.',
  },
  es: {
    greeting: (name) => (name ? `Hola, ${name}:` : 'Hola:'),
    quote: (title) => `«${title}»`,
    subjects: { first: ['Su propuesta {t}', 'Breve seguimiento de su propuesta {t}'], second: ['¿Tiene preguntas sobre su propuesta {t}?', 'Su propuesta {t}: ¿una llamada breve?'], last: ['Último seguimiento de su propuesta {t}', 'Para cerrar el tema: {t}'] },
    first: (title, days) => `Hace ${days === 1 ? 'un día' : `${days} días`} le enviamos nuestra propuesta ${title}. Quería confirmar que le ha llegado bien y saber si tiene alguna pregunta.`,
    second: (title) => `Vuelvo a escribirle sobre nuestra propuesta ${title}. Los puntos abiertos suelen aclararse más rápido en una conversación breve.`,
    last: (title) => `Este es mi último seguimiento sobre nuestra propuesta ${title}; después no le enviaré más recordatorios. Si sus planes han cambiado, lo entendemos perfectamente.`,
    validNear: (date, left) => `La propuesta es válida hasta el ${date}${left <= 1 ? '' : ` (quedan ${left} días)`}.`,
    validEnded: (date) => `La validez de la propuesta terminó el ${date}; con gusto se la confirmamos de nuevo.`,
    actionFirst: 'Basta con responder a este correo si tiene preguntas o quiere planificar el siguiente paso.',
    actionSecond: '¿Le vendría bien una llamada de 15 minutos esta semana o la próxima? Respóndame con el horario que mejor le convenga.',
    actionLast: 'Si el proyecto sigue en pie, basta con una breve respuesta a este correo y lo retomamos juntos.',
  },
};

/** After the greeting's comma German and French go on in lower case; English, and Spanish after its colon, in upper case. */
const startsLowerAfterGreeting = (language: AgencyLanguage) => language === 'de' || language === 'fr';

function formatDate(iso: string, language: AgencyLanguage): string {
  return dateTimeFormat(language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(iso));
}

/**
 * The deterministic follow-up: the tone by its number, the validity when it ends within a week,
 * the first subject of its stage that was not used before, the agency's signature.
 */
export function writeFollowUpOffline(input: WriteFollowUpInput, agency: AgencyConfig): FollowUp {
  const parsed = writeFollowUpInputSchema.parse(input);
  const language = agencyLanguage(parsed.language);
  const phrases = PHRASES[language];
  const stage = parsed.followUpNumber >= 3 ? 'last' : parsed.followUpNumber === 2 ? 'second' : 'first';
  const title = phrases.quote(parsed.proposal.title);
  const used = new Set(parsed.earlierSubjects.map((subject) => subject.trim().toLowerCase()));
  const candidates = phrases.subjects[stage].map((subject) => subject.replace('{t}', title));
  const subject =
    candidates.find((candidate) => !used.has(candidate.toLowerCase())) ??
    Array.from({ length: 20 }, (_, index) => `${candidates[0]} (${parsed.followUpNumber + index})`).find((candidate) => !used.has(candidate.toLowerCase()))!;

  const opening = stage === 'first' ? phrases.first(title, Math.max(1, parsed.daysSinceSent)) : stage === 'second' ? phrases.second(title) : phrases.last(title);
  const left = daysOfValidityLeft(parsed);
  const validity =
    left === null || left > VALIDITY_NEAR_DAYS ? null : left >= 0 ? phrases.validNear(formatDate(parsed.proposal.validUntil!, language), left) : phrases.validEnded(formatDate(parsed.proposal.validUntil!, language));
  const action = stage === 'first' ? phrases.actionFirst : stage === 'second' ? phrases.actionSecond : phrases.actionLast;
  const firstParagraph = startsLowerAfterGreeting(language) ? opening : opening.charAt(0).toUpperCase() + opening.slice(1);
  const body = [phrases.greeting(parsed.leadName), firstParagraph, ...(validity ? [validity] : []), action, agency.signature[language]].join('\n\n');

  const steps = [
    `Follow-up ${parsed.followUpNumber}, ${parsed.daysSinceSent} days after sending: ${stage === 'last' ? 'a polite last check-in' : stage === 'second' ? 'offer a short call' : 'a light check-in'}.`,
    left === null ? 'No validity date.' : `Validity: ${left} days left; ${validity ? 'mentioned' : 'not near, not mentioned'}.`,
    `One call to action; no discount or other new terms; subject not used before (${parsed.earlierSubjects.length} earlier).`,
  ];
  return { reasoning: steps.map((step, index) => `${index + 1}. ${step}`).join('\n'), subject, body };
}
