import { z } from 'zod';
import { agencyLanguage, DATA_NOT_INSTRUCTIONS, delimitedData, leadLanguageSchema } from './agent-support.js';
import type { AgencyConfig, AgencyLanguage } from './agency-config.js';
import { NEXT_ACTIONS } from './qualify-lead.agent.js';
import type { ChatMessage, GenerateObjectResult, LanguageModel } from './models/language-model.js';

/**
 * The responder: the first reply to a lead, sent to the customer WITHOUT a person approving it.
 * Strategy: template fill. The model only chooses among fixed values (the kind of reply, the
 * register, which part of the sanitised name to greet); `renderFirstReply` renders a fixed text
 * per language from those choices and the agency file. Nothing the model or the lead writes
 * reaches the reply except a name reduced to letters, hyphens and apostrophes.
 *
 * Spam gets no reply at all: the input schema and type accept only the three actions that have
 * one, and `firstReplyAction` turns the qualification's `discard` into null for the caller.
 */

export const RESPOND_TO_LEAD_AGENT = { agent: 'responder', strategy: 'template-fill' } as const;
export const RESPOND_TO_LEAD_PROMPT_VERSION = 'respond-to-lead/v1';

/** The qualification's actions that are answered; `discard` (spam) is not one of them. */
export const REPLY_ACTIONS = ['prepare_proposal', 'request_details', 'decline_politely'] as const;
export type ReplyAction = (typeof REPLY_ACTIONS)[number];
export const REPLY_KINDS = ['acknowledge', 'request_details', 'decline'] as const;
export type ReplyKind = (typeof REPLY_KINDS)[number];

const KIND_FOR_ACTION: Record<ReplyAction, ReplyKind> = {
  prepare_proposal: 'acknowledge',
  request_details: 'request_details',
  decline_politely: 'decline',
};
export const replyKindFor = (action: ReplyAction): ReplyKind => KIND_FOR_ACTION[action];

/** The action to answer, or null for spam: the caller cannot reach the responder without deciding that. */
export function firstReplyAction(nextAction: (typeof NEXT_ACTIONS)[number]): ReplyAction | null {
  return nextAction === 'discard' ? null : nextAction;
}

export const respondToLeadInputSchema = z.object({
  language: leadLanguageSchema,
  /** Untrusted: the name as the lead typed it; only `sanitiseName` of it is ever used. */
  name: z.string().nullable(),
  nextAction: z.enum(REPLY_ACTIONS),
  /** Untrusted: the lead's message, read for its register only (du / tú); never copied. */
  message: z.string().nullable().default(null),
});
export type RespondToLeadInput = z.input<typeof respondToLeadInputSchema>;

const replyChoiceObject = z.object({
  reasoning: z.string().min(1).describe('Your thinking, written first: the kind of reply, the register, the name. Internal only.'),
  kind: z.enum(REPLY_KINDS).describe('acknowledge for prepare_proposal, request_details for request_details, decline for decline_politely.'),
  formality: z.enum(['formal', 'informal']).describe('formal unless the lead wrote informally (du, tú); French always formal.'),
  greetingName: z.string().nullable().describe('The part of the given safe name to greet, e.g. the first name; null for a neutral greeting.'),
});
export type ReplyChoice = z.output<typeof replyChoiceObject>;

// ---------------------------------------------------------------------------------------------
// The name

/** Words that make a "name" an instruction to a machine rather than a person's name. */
const NOT_NAMES = new Set([
  'ignore', 'ignoriere', 'ignorieren', 'ignorez', 'ignora', 'ignorar', 'disregard', 'forget', 'vergiss', 'oublie', 'olvida',
  'previous', 'instructions', 'instruction', 'anweisungen', 'instrucciones', 'system', 'prompt', 'assistant', 'admin', 'script',
  'null', 'undefined', 'test', 'http', 'https', 'www',
]);
const NAME_TOKEN = /^\p{L}(?:[\p{L}\p{M}]|['’-](?=\p{L}))*$/u;

/**
 * The name reduced to something safe to print in a reply nobody approves: its first line, only
 * when every word of it is a plain name word (letters, inner hyphens and apostrophes), at most
 * four words and forty characters. Anything else — markup, links, digits, an instruction — gives
 * null, and the reply greets neutrally.
 */
export function sanitiseName(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const firstLine = raw.normalize('NFC').split(/[\r\n\u2028\u2029\u0085]/)[0] ?? '';
  const text = firstLine.replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '').replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  const tokens = text.split(' ');
  if (tokens.length > 4) return null;
  if (!tokens.every((token) => NAME_TOKEN.test(token) && !NOT_NAMES.has(token.toLowerCase()))) return null;
  const cased = text === text.toLowerCase() || text === text.toUpperCase() ? tokens.map(capitalise).join(' ') : text;
  // Too long: keep the first words that fit.
  const kept: string[] = [];
  for (const token of cased.split(' ')) {
    if ([...kept, token].join(' ').length > 40) break;
    kept.push(token);
  }
  return kept.length === 0 ? null : kept.join(' ');
}

const capitalise = (token: string) => token.toLowerCase().replace(/(^|['’-])(\p{L})/gu, (_match, before: string, letter: string) => before + letter.toUpperCase());

/** The output schema for one input: the kind fits the action, the greeting is part of the safe name. */
export function replyChoiceSchema(input: RespondToLeadInput) {
  const parsed = respondToLeadInputSchema.parse(input);
  const kind = replyKindFor(parsed.nextAction);
  const safe = sanitiseName(parsed.name);
  return replyChoiceObject.superRefine((value, context) => {
    if (value.kind !== kind) context.addIssue({ code: 'custom', path: ['kind'], message: `must be ${kind} for ${parsed.nextAction}` });
    if (value.greetingName !== null && (safe === null || value.greetingName.trim() === '' || !safe.includes(value.greetingName))) {
      context.addIssue({
        code: 'custom',
        path: ['greetingName'],
        message: safe === null ? 'must be null: there is no safe name' : `must be null or a part of "${safe}"`,
      });
    }
  });
}

export function buildRespondToLeadPrompt(input: z.output<typeof respondToLeadInputSchema>, agency: AgencyConfig): { system: string; messages: ChatMessage[] } {
  const safe = sanitiseName(input.name);
  const system = [
    `You choose how ${agency.name}, a software development agency, greets an inbound lead in its first reply.`,
    'The reply itself is a fixed template; you only choose:',
    `- kind: ${REPLY_ACTIONS.map((action) => `${replyKindFor(action)} for ${action}`).join(', ')}.`,
    '- formality: formal, unless the lead writes informally (German du, Spanish tú); French replies always use vous.',
    `- greetingName: ${safe === null ? 'null (there is no safe name to greet).' : `a part of the safe name "${safe}" (usually the first name for informal, the full name for formal), or null.`}`,
    '',
    ...DATA_NOT_INSTRUCTIONS,
    'The lead is given as JSON between <lead> and </lead>.',
  ].join('\n');
  const data = { language: input.language, nextAction: input.nextAction, safeName: safe, message: input.message };
  return { system, messages: [{ role: 'user', content: `Choose the first reply.\n${delimitedData('lead', data)}` }] };
}

/** Runs the agent; render its choice with `renderFirstReply`. */
export async function respondToLead(
  model: LanguageModel,
  input: RespondToLeadInput,
  agency: AgencyConfig,
  run: { leadId?: string | null; promptVersion?: string; signal?: AbortSignal } = {},
): Promise<GenerateObjectResult<ReplyChoice>> {
  const parsed = respondToLeadInputSchema.parse(input);
  return model.generateObject({
    ...buildRespondToLeadPrompt(parsed, agency),
    schema: replyChoiceSchema(parsed),
    schemaName: 'first_reply_choice',
    temperature: 0,
    signal: run.signal,
    offline: () => respondToLeadOffline(parsed, agency),
    run: { ...RESPOND_TO_LEAD_AGENT, promptVersion: run.promptVersion ?? RESPOND_TO_LEAD_PROMPT_VERSION, leadId: run.leadId ?? null },
  });
}

/** The lead's own register: German du, Spanish tú. */
const INFORMAL: Partial<Record<AgencyLanguage, RegExp>> = {
  de: /(?<![\p{L}])(du|dich|dir|dein|deine|deinen|deinem|deiner|euch|euer|eure|hast du|kannst du)(?![\p{L}])/iu,
  es: /(?<![\p{L}])(tú|puedes|tienes|te|tu|ti|contigo|vosotros|podéis|tenéis)(?![\p{L}])/iu,
};
const FORMAL: Partial<Record<AgencyLanguage, RegExp>> = {
  de: /(?<![\p{L}])(Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer)(?![\p{L}])/u,
  es: /(?<![\p{L}])(usted|ustedes|podrían|podría|su empresa|le agradecería)(?![\p{L}])/iu,
};

/** Formal unless the lead writes informally and not also formally; the full safe name formally, the first name informally. */
export function respondToLeadOffline(input: RespondToLeadInput, _agency: AgencyConfig): ReplyChoice {
  const parsed = respondToLeadInputSchema.parse(input);
  const language = agencyLanguage(parsed.language);
  const kind = replyKindFor(parsed.nextAction);
  const message = parsed.message ?? '';
  const informal = (INFORMAL[language]?.test(message) ?? false) && !(FORMAL[language]?.test(message) ?? false);
  const formality: ReplyChoice['formality'] = informal ? 'informal' : 'formal';
  const safe = sanitiseName(parsed.name);
  const greetingName = safe === null ? null : formality === 'informal' ? safe.split(' ')[0]! : safe;
  return {
    reasoning: [
      `1. Kind: ${kind}, fixed by ${parsed.nextAction}.`,
      `2. Register: ${formality}${language === 'de' || language === 'es' ? (informal ? ' (the lead writes informally)' : ' (the default)') : ''}.`,
      `3. Name: ${safe === null ? 'none safe to print; a neutral greeting' : `greeting ${greetingName}`}.`,
    ].join('\n'),
    kind,
    formality,
    greetingName,
  };
}

// ---------------------------------------------------------------------------------------------
// The templates

export interface FirstReply {
  readonly subject: string;
  readonly text: string;
}

interface Texts {
  greeting: (name: string | null) => string;
  subject: (agency: string) => string;
  acknowledge: string[];
  requestDetails: { intro: string; questions: string[]; outro: string };
  decline: string[];
  contact: (email: string, phone: string | null) => string;
}

const list = (questions: string[]) => questions.map((question) => `- ${question}`).join('\n');

/** French: vous in both registers, since a first reply to a prospect never uses tu. */
const FRENCH: Texts = {
  greeting: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
  subject: (agency) => `Votre demande auprès de ${agency}`,
  acknowledge: [
    'Merci pour votre demande et pour l’intérêt que vous portez à notre travail.',
    'Nous préparons une première proposition et vous l’enverrons sous un jour ouvré. Chaque proposition est relue par une personne de notre équipe avant son envoi.',
  ],
  requestDetails: {
    intro: 'Merci pour votre demande. Afin de vous faire une proposition adaptée, pourriez-vous nous en dire un peu plus ?',
    questions: [
      'Quels sont les principaux objectifs du projet ?',
      'Qui utilisera le logiciel, et combien d’utilisateurs environ ?',
      'Y a-t-il un calendrier ou une date à laquelle il doit être prêt ?',
      'Quelle fourchette de budget envisagez-vous ?',
      'Avec quels systèmes existants doit-il fonctionner ?',
    ],
    outro: 'Une courte réponse à cet e-mail suffit ; nous reviendrons vers vous rapidement.',
  },
  decline: [
    'Merci pour votre message et pour l’intérêt que vous portez à notre travail.',
    'Après examen, ce projet sort du cadre de ce que nous développons ; nous ne sommes donc pas le bon partenaire.',
    'Nous vous souhaitons une belle réussite.',
  ],
  contact: (email, phone) => `Pour toute question, répondez simplement à cet e-mail ou écrivez à ${email}${phone ? ` ; vous pouvez aussi nous appeler au ${phone}` : ''}.`,
};

/** English: the informal register differs only in its greeting, thanks and sign-off line. */
const ENGLISH_FORMAL: Texts = {
  greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
  subject: (agency) => `Your inquiry to ${agency}`,
  acknowledge: [
    'Thank you for your inquiry and for thinking of us.',
    'We are preparing a first proposal for you and will send it within one working day. A member of our team reviews every proposal before it goes out.',
  ],
  requestDetails: {
    intro: 'Thank you for your inquiry. So that we can prepare a proposal that fits, could you tell us a little more?',
    questions: [
      'What are the main goals of the project?',
      'Who will use the software, and roughly how many users?',
      'Is there a timeline or a date it should be ready by?',
      'What budget range do you have in mind?',
      'Which existing systems should it work with?',
    ],
    outro: 'A short reply to this e-mail is enough; we will take it from there.',
  },
  decline: [
    'Thank you for your message and for thinking of us.',
    'Having looked at it, this is outside what we build, so we are not the right partner for it.',
    'We wish you every success.',
  ],
  contact: (email, phone) => `If you have any questions, reply to this e-mail or write to ${email}${phone ? `, or call ${phone}` : ''}.`,
};

const ENGLISH_INFORMAL: Texts = {
  ...ENGLISH_FORMAL,
  greeting: (name) => (name ? `Hi ${name},` : 'Hi,'),
  acknowledge: ['Thanks for your inquiry and for thinking of us.', ...ENGLISH_FORMAL.acknowledge.slice(1)],
  requestDetails: {
    ...ENGLISH_FORMAL.requestDetails,
    intro: 'Thanks for your inquiry. So that we can prepare a proposal that fits, could you tell us a little more?',
  },
  decline: ['Thanks for your message and for thinking of us.', ...ENGLISH_FORMAL.decline.slice(1)],
  contact: (email, phone) => `Any questions? Just reply to this e-mail or write to ${email}${phone ? `, or call ${phone}` : ''}.`,
};

const TEMPLATES: Record<AgencyLanguage, Record<ReplyChoice['formality'], Texts>> = {
  en: { formal: ENGLISH_FORMAL, informal: ENGLISH_INFORMAL },
  de: {
    formal: {
      greeting: (name) => (name ? `Guten Tag ${name},` : 'Guten Tag,'),
      subject: (agency) => `Ihre Anfrage bei ${agency}`,
      acknowledge: [
        'vielen Dank für Ihre Anfrage und Ihr Interesse an unserer Arbeit.',
        'Wir erstellen gerade ein erstes Angebot für Sie und senden es Ihnen innerhalb eines Werktags zu. Jedes Angebot wird vor dem Versand von einer Person aus unserem Team geprüft.',
      ],
      requestDetails: {
        intro: 'vielen Dank für Ihre Anfrage. Damit wir Ihnen ein passendes Angebot machen können, würden wir gern etwas mehr erfahren:',
        questions: [
          'Welche Ziele verfolgen Sie mit dem Projekt?',
          'Wer wird die Software nutzen, und wie viele Nutzerinnen und Nutzer erwarten Sie ungefähr?',
          'Gibt es einen Zeitplan oder einen Termin, bis zu dem sie fertig sein soll?',
          'Welchen Budgetrahmen haben Sie vorgesehen?',
          'Mit welchen bestehenden Systemen soll sie zusammenarbeiten?',
        ],
        outro: 'Eine kurze Antwort auf diese E-Mail genügt; wir melden uns dann umgehend.',
      },
      decline: [
        'vielen Dank für Ihre Nachricht und Ihr Interesse an unserer Arbeit.',
        'Wir haben sie uns angesehen: Das Vorhaben liegt außerhalb dessen, was wir entwickeln, daher sind wir dafür nicht der richtige Partner.',
        'Wir wünschen Ihnen viel Erfolg.',
      ],
      contact: (email, phone) => `Bei Fragen antworten Sie einfach auf diese E-Mail oder schreiben Sie an ${email}${phone ? `; telefonisch erreichen Sie uns unter ${phone}` : ''}.`,
    },
    informal: {
      greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
      subject: (agency) => `Deine Anfrage bei ${agency}`,
      acknowledge: [
        'vielen Dank für deine Anfrage und dein Interesse an unserer Arbeit.',
        'Wir erstellen gerade ein erstes Angebot für dich und schicken es dir innerhalb eines Werktags. Jedes Angebot wird vor dem Versand von einer Person aus unserem Team geprüft.',
      ],
      requestDetails: {
        intro: 'vielen Dank für deine Anfrage. Damit wir dir ein passendes Angebot machen können, würden wir gern etwas mehr erfahren:',
        questions: [
          'Welche Ziele verfolgst du mit dem Projekt?',
          'Wer wird die Software nutzen, und wie viele Nutzerinnen und Nutzer erwartest du ungefähr?',
          'Gibt es einen Zeitplan oder einen Termin, bis zu dem sie fertig sein soll?',
          'Welchen Budgetrahmen hast du vorgesehen?',
          'Mit welchen bestehenden Systemen soll sie zusammenarbeiten?',
        ],
        outro: 'Eine kurze Antwort auf diese E-Mail genügt; wir melden uns dann umgehend.',
      },
      decline: [
        'vielen Dank für deine Nachricht und dein Interesse an unserer Arbeit.',
        'Wir haben sie uns angesehen: Das Vorhaben liegt außerhalb dessen, was wir entwickeln, daher sind wir dafür nicht der richtige Partner.',
        'Wir wünschen dir viel Erfolg.',
      ],
      contact: (email, phone) => `Bei Fragen antworte einfach auf diese E-Mail oder schreib an ${email}${phone ? `; telefonisch erreichst du uns unter ${phone}` : ''}.`,
    },
  },
  fr: { formal: FRENCH, informal: FRENCH },
  es: {
    formal: {
      greeting: (name) => (name ? `Buenos días, ${name}:` : 'Buenos días:'),
      subject: (agency) => `Su solicitud a ${agency}`,
      acknowledge: [
        'Muchas gracias por su solicitud y por su interés en nuestro trabajo.',
        'Estamos preparando una primera propuesta y se la enviaremos en un plazo de un día laborable. Una persona de nuestro equipo revisa cada propuesta antes de enviarla.',
      ],
      requestDetails: {
        intro: 'Muchas gracias por su solicitud. Para poder prepararle una propuesta adecuada, ¿podría contarnos un poco más?',
        questions: [
          '¿Cuáles son los objetivos principales del proyecto?',
          '¿Quién usará el software y cuántos usuarios aproximadamente?',
          '¿Hay un calendario o una fecha en la que debería estar listo?',
          '¿Qué rango de presupuesto tiene previsto?',
          '¿Con qué sistemas existentes debe funcionar?',
        ],
        outro: 'Basta con una breve respuesta a este correo; nosotros nos encargamos del resto.',
      },
      decline: [
        'Muchas gracias por su mensaje y por su interés en nuestro trabajo.',
        'Tras revisarlo, el proyecto queda fuera de lo que desarrollamos, por lo que no somos el socio adecuado.',
        'Le deseamos mucho éxito.',
      ],
      contact: (email, phone) => `Si tiene alguna pregunta, responda a este correo o escriba a ${email}${phone ? `; también puede llamarnos al ${phone}` : ''}.`,
    },
    informal: {
      greeting: (name) => (name ? `Hola, ${name}:` : 'Hola:'),
      subject: (agency) => `Tu solicitud a ${agency}`,
      acknowledge: [
        'Muchas gracias por tu solicitud y por tu interés en nuestro trabajo.',
        'Estamos preparando una primera propuesta y te la enviaremos en un plazo de un día laborable. Una persona de nuestro equipo revisa cada propuesta antes de enviarla.',
      ],
      requestDetails: {
        intro: 'Muchas gracias por tu solicitud. Para poder prepararte una propuesta adecuada, ¿podrías contarnos un poco más?',
        questions: [
          '¿Cuáles son los objetivos principales del proyecto?',
          '¿Quién usará el software y cuántos usuarios aproximadamente?',
          '¿Hay un calendario o una fecha en la que debería estar listo?',
          '¿Qué rango de presupuesto tienes previsto?',
          '¿Con qué sistemas existentes debe funcionar?',
        ],
        outro: 'Basta con una breve respuesta a este correo; nosotros nos encargamos del resto.',
      },
      decline: [
        'Muchas gracias por tu mensaje y por tu interés en nuestro trabajo.',
        'Tras revisarlo, el proyecto queda fuera de lo que desarrollamos, por lo que no somos el socio adecuado.',
        'Te deseamos mucho éxito.',
      ],
      contact: (email, phone) => `Si tienes alguna pregunta, responde a este correo o escribe a ${email}${phone ? `; también puedes llamarnos al ${phone}` : ''}.`,
    },
  },
};

/**
 * The reply, rendered from fixed text. The kind comes from the action (the schema made the
 * model's kind agree), and the name is printed only when it is part of the sanitised name, so a
 * choice built by hand cannot smuggle text in either. Spam cannot get here: `nextAction` has no
 * `discard`.
 */
export function renderFirstReply(choice: Pick<ReplyChoice, 'formality' | 'greetingName'>, input: RespondToLeadInput, agency: AgencyConfig): FirstReply {
  const parsed = respondToLeadInputSchema.parse(input);
  const language = agencyLanguage(parsed.language);
  const texts = TEMPLATES[language][choice.formality === 'informal' ? 'informal' : 'formal'];
  const safe = sanitiseName(parsed.name);
  const name = choice.greetingName !== null && safe !== null && choice.greetingName.trim() !== '' && safe.includes(choice.greetingName) ? choice.greetingName.trim() : null;
  const kind = replyKindFor(parsed.nextAction);
  const body =
    kind === 'acknowledge'
      ? texts.acknowledge.join('\n\n')
      : kind === 'request_details'
        ? `${texts.requestDetails.intro}\n\n${list(texts.requestDetails.questions)}\n\n${texts.requestDetails.outro}`
        : texts.decline.join('\n\n');
  // German goes on after the greeting's comma in lower case ("Guten Tag Anna," / "vielen Dank"): the texts are written so.
  const paragraphs = [texts.greeting(name), body];
  if (kind !== 'decline') paragraphs.push(texts.contact(agency.contact.email, agency.contact.phone));
  paragraphs.push(agency.signature[language]);
  return { subject: texts.subject(agency.name), text: paragraphs.join('\n\n') };
}
