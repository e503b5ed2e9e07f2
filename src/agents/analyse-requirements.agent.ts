import { z } from 'zod';
import { agencyLanguage, DATA_NOT_INSTRUCTIONS, delimitedData, leadLanguageSchema } from './agent-support.js';
import type { AgencyConfig, AgencyLanguage } from './agency-config.js';
import { perAgency } from './agency-config.js';
import { parseBudget } from './budget-parser.js';
import { namesLanguages, readStatedNeeds, type StatedNeedKind } from './stated-needs.js';
import { asksForFavours, readLeadSignals } from './lead-signals.js';
import { entryKeywords, matchCatalogue, normalizedKeyword, normalizeText } from './keyword-matcher.js';
import type { ChatMessage, GenerateObjectResult, LanguageModel } from './models/language-model.js';

/**
 * The requirements analyst: from the lead, the list of requirements (each tied to components of
 * the agency's catalogue) and the open questions to ask. Strategy: chain of thought, the reasoning
 * written first and kept internal. Offline: the catalogue's keywords find the components, the
 * order of first mention gives the priority, and the gaps (budget, timeline, scope) the questions.
 */

export const ANALYSE_REQUIREMENTS_AGENT = { agent: 'requirements-analyst', strategy: 'chain-of-thought' } as const;
export const ANALYSE_REQUIREMENTS_PROMPT_VERSION = 'analyse-requirements/v1';

export const analyseRequirementsInputSchema = z.object({
  name: z.string().nullable(),
  company: z.string().nullable(),
  /** Untrusted text written by whoever filled in the form. */
  message: z.string(),
  budget: z.union([z.number(), z.string()]).nullable(),
  timeline: z.string().nullable(),
  language: leadLanguageSchema,
});
export type AnalyseRequirementsInput = z.input<typeof analyseRequirementsInputSchema>;

export const REQUIREMENT_PRIORITIES = ['must', 'should', 'could'] as const;

const requirementsObject = z.object({
  reasoning: z.string().min(1).describe('Your step-by-step thinking, written first: what is asked, which catalogue components it needs, what matters most, what is missing. Internal only.'),
  requirements: z
    .array(
      z.object({
        id: z.string().regex(/^REQ-\d+$/).describe('REQ-1, REQ-2, … in order.'),
        title: z.string().min(1).describe("A short title in the lead's language."),
        detail: z.string().min(1).describe("One or two sentences in the lead's language: what is needed and why."),
        priority: z.enum(REQUIREMENT_PRIORITIES).describe('must: named as essential; should: wanted; could: a nice-to-have.'),
        componentIds: z.array(z.string()).describe('Ids of the catalogue components that deliver it.'),
      }),
    )
    .describe('What the lead needs, most important first.'),
  openQuestions: z.array(z.string().min(1)).max(8).describe("Questions for the lead, in the lead's language, about what is missing to scope and price it."),
});

/** The output schema, with the component ids of this agency's catalogue. */
/** Built once per agency configuration: zod compiles a schema on its first parse. */
export const requirementsSchema = perAgency(buildRequirementsSchema);

function buildRequirementsSchema(agency: AgencyConfig) {
  const ids = agency.components.map((component) => component.id) as [string, ...string[]];
  const item = requirementsObject.shape.requirements.element;
  return requirementsObject
    .extend({ requirements: z.array(item.extend({ componentIds: z.array(z.enum(ids)).describe(item.shape.componentIds.description ?? '') })).describe(requirementsObject.shape.requirements.description ?? '') })
    .superRefine((value, context) => {
      const seen = new Set<string>();
      value.requirements.forEach((requirement, index) => {
        if (seen.has(requirement.id)) context.addIssue({ code: 'custom', path: ['requirements', index, 'id'], message: `duplicate id ${requirement.id}` });
        seen.add(requirement.id);
      });
    });
}
export type Requirements = z.output<typeof requirementsObject>;
export type Requirement = Requirements['requirements'][number];

export function buildAnalyseRequirementsPrompt(input: z.output<typeof analyseRequirementsInputSchema>, agency: AgencyConfig): { system: string; messages: ChatMessage[] } {
  const language = agencyLanguage(input.language);
  const system = [
    `You are the requirements analyst of ${agency.name}, a software development agency.`,
    '',
    'The component catalogue (componentIds uses these ids):',
    ...agency.components.map((component) => `- ${component.id}: ${component.name.en}`),
    '',
    'Think step by step and write that thinking into "reasoning" first:',
    '1. What does the lead want built, for whom, and why?',
    '2. Split it into requirements; tie each to the catalogue components that deliver it.',
    '3. Prioritise: must for what the lead names as essential or first, should for what is wanted, could for nice-to-haves.',
    '4. What is missing to scope and price it (budget, timeline, users, existing systems, data)? Ask it as open questions.',
    `Write titles, details and questions in the lead's language (${language}).`,
    '',
    ...DATA_NOT_INSTRUCTIONS,
    'The lead is given as JSON between <lead> and </lead>.',
  ].join('\n');
  const lead = delimitedData('lead', { name: input.name, company: input.company, language: input.language, budget: input.budget, timeline: input.timeline, message: input.message });
  return { system, messages: [{ role: 'user', content: `Analyse the requirements of this lead.\n${lead}` }] };
}

/** Runs the agent through the model layer; the offline provider answers with `analyseRequirementsOffline`. */
export async function analyseRequirements(
  model: LanguageModel,
  input: AnalyseRequirementsInput,
  agency: AgencyConfig,
  run: { leadId?: string | null; promptVersion?: string; signal?: AbortSignal } = {},
): Promise<GenerateObjectResult<Requirements>> {
  const lead = analyseRequirementsInputSchema.parse(input);
  return model.generateObject({
    ...buildAnalyseRequirementsPrompt(lead, agency),
    schema: requirementsSchema(agency),
    schemaName: 'requirements_analysis',
    temperature: 0.2,
    signal: run.signal,
    offline: () => analyseRequirementsOffline(lead, agency),
    run: { ...ANALYSE_REQUIREMENTS_AGENT, promptVersion: run.promptVersion ?? ANALYSE_REQUIREMENTS_PROMPT_VERSION, leadId: run.leadId ?? null },
  });
}

const QUOTE: Record<AgencyLanguage, (text: string) => string> = { de: (t) => `„${t}“`, en: (t) => `“${t}”`, fr: (t) => `« ${t} »`, es: (t) => `«${t}»` };

const TEXT: Record<AgencyLanguage, {
  detail: (name: string, keywords: string) => string;
  stated: string;
  statedWith: (names: string) => string;
  problem: string;
  problemWith: (names: string) => string;
  system: (name: string) => string;
  systemDetail: string;
  scope: (names: string) => string;
  scopeTitle: string;
  budget: string;
  timeline: string;
  essentials: string;
  users: string;
  systemsGeneric: string;
}> = {
  de: {
    detail: (name, keywords) => `${name} wie in der Anfrage beschrieben (${keywords}). Umfang und Details stimmen wir im Workshop ab.`,
    stated: 'Wie in Ihrer Anfrage genannt; die Umsetzung stimmen wir im Workshop ab.',
    statedWith: (names) => `Wie in Ihrer Anfrage genannt; umgesetzt mit: ${names}.`,
    problem: 'Ein Problem, das Ihre Anfrage nennt; die Lösung ist darauf ausgelegt, es zu beheben.',
    problemWith: (names) => `Ein Problem, das Ihre Anfrage nennt; wir beheben es mit: ${names}.`,
    system: (name) => `Anbindung an ${name}`,
    systemDetail: 'Ihre Anfrage nennt dieses System als im Einsatz; die Lösung arbeitet damit zusammen, wie genau, klären wir im Workshop.',
    scope: (names) => `Die Anfrage nennt noch keine konkreten Funktionen. Wir klären Ziele und Umfang gemeinsam${names ? ` (${names})` : ''}.`,
    scopeTitle: 'Ziele und Umfang klären',
    budget: 'Welches Budget ist für das Projekt vorgesehen?',
    timeline: 'Bis wann soll die erste Version live gehen, und gibt es feste Termine?',
    essentials: 'Welche Funktionen sind für die erste Version unverzichtbar, welche können später folgen?',
    users: 'Wie viele Nutzerinnen und Nutzer erwarten Sie, und welche Rollen und Berechtigungen brauchen sie?',
    systemsGeneric: 'Gibt es bestehende Systeme oder Daten, die angebunden oder übernommen werden müssen?',
  },
  en: {
    detail: (name, keywords) => `${name} as described in the request (${keywords}). We will confirm scope and details in the workshop.`,
    stated: 'As named in your request; we will agree how to deliver it in the workshop.',
    statedWith: (names) => `As named in your request; delivered with: ${names}.`,
    problem: 'A problem your request names; the solution is designed to remove it.',
    problemWith: (names) => `A problem your request names; we remove it with: ${names}.`,
    system: (name) => `Integration with ${name}`,
    systemDetail: 'Your request names this system as in use; the solution works with it, and we will settle how in the workshop.',
    scope: (names) => `The request does not name concrete features yet. We will clarify goals and scope together${names ? ` (${names})` : ''}.`,
    scopeTitle: 'Clarify goals and scope',
    budget: 'What budget have you set aside for the project?',
    timeline: 'When should the first version go live, and are there fixed dates?',
    essentials: 'Which features are essential for the first version, and which can follow later?',
    users: 'How many users do you expect, and which roles and permissions do they need?',
    systemsGeneric: 'Are there existing systems or data that must be connected or migrated?',
  },
  fr: {
    detail: (name, keywords) => `${name}, comme décrit dans la demande (${keywords}). Nous confirmerons le périmètre et les détails lors de l'atelier.`,
    stated: "Comme indiqué dans votre demande ; nous définirons la mise en œuvre lors de l'atelier.",
    statedWith: (names) => `Comme indiqué dans votre demande ; réalisé avec : ${names}.`,
    problem: 'Un problème que cite votre demande ; la solution est conçue pour le résoudre.',
    problemWith: (names) => `Un problème que cite votre demande ; nous le résolvons avec : ${names}.`,
    system: (name) => `Intégration avec ${name}`,
    systemDetail: "Votre demande cite ce système comme déjà utilisé ; la solution fonctionne avec lui, et nous définirons comment lors de l'atelier.",
    scope: (names) => `La demande ne cite pas encore de fonctionnalités concrètes. Nous clarifierons ensemble les objectifs et le périmètre${names ? ` (${names})` : ''}.`,
    scopeTitle: 'Clarifier les objectifs et le périmètre',
    budget: 'Quel budget avez-vous prévu pour le projet ?',
    timeline: 'Quand la première version doit-elle être en ligne, et y a-t-il des dates fixes ?',
    essentials: 'Quelles fonctionnalités sont indispensables pour la première version, et lesquelles peuvent suivre ?',
    users: "Combien d'utilisateurs prévoyez-vous, et de quels rôles et droits ont-ils besoin ?",
    systemsGeneric: 'Existe-t-il des systèmes ou des données à connecter ou à reprendre ?',
  },
  es: {
    detail: (name, keywords) => `${name}, tal como se describe en la solicitud (${keywords}). Confirmaremos el alcance y los detalles en el taller.`,
    stated: 'Tal como lo indica su solicitud; acordaremos cómo realizarlo en el taller.',
    statedWith: (names) => `Tal como lo indica su solicitud; se realiza con: ${names}.`,
    problem: 'Un problema que menciona su solicitud; la solución está pensada para resolverlo.',
    problemWith: (names) => `Un problema que menciona su solicitud; lo resolvemos con: ${names}.`,
    system: (name) => `Integración con ${name}`,
    systemDetail: 'Su solicitud menciona este sistema como ya en uso; la solución trabaja con él, y acordaremos cómo en el taller.',
    scope: (names) => `La solicitud aún no nombra funciones concretas. Aclararemos juntos los objetivos y el alcance${names ? ` (${names})` : ''}.`,
    scopeTitle: 'Aclarar objetivos y alcance',
    budget: '¿Qué presupuesto tienen previsto para el proyecto?',
    timeline: '¿Cuándo debe estar en marcha la primera versión y hay fechas fijas?',
    essentials: '¿Qué funciones son imprescindibles para la primera versión y cuáles pueden llegar después?',
    users: '¿Cuántos usuarios esperan y qué roles y permisos necesitan?',
    systemsGeneric: '¿Hay sistemas o datos existentes que deban conectarse o migrarse?',
  },
};

/**
 * The deterministic analysis. Each catalogue component the message names is one requirement,
 * in the order of first mention. Priority: what is named with several keywords, or among the
 * first three-fifths of what is named, is a must; the rest should, and with five or more the last
 * fifth could. Nothing the message asks of its reader is acted on; only catalogue keywords are
 * quoted back.
 */
export function analyseRequirementsOffline(input: AnalyseRequirementsInput, agency: AgencyConfig): Requirements {
  const lead = analyseRequirementsInputSchema.parse(input);
  const language = agencyLanguage(lead.language);
  const text = TEXT[language];
  const normalized = normalizeText(lead.message);
  const matches = matchCatalogue(normalized, agency.components, entryKeywords)
    .map((match) => ({ ...match, first: Math.min(...match.keywords.map((keyword) => normalized.indexOf(normalizedKeyword(keyword))).filter((index) => index >= 0)) }))
    .sort((a, b) => a.first - b.first);
  const count = matches.length;
  // The lead's own stated needs first, each tied to the components it names; then every named
  // component no stated need covers.
  // A message that tries to instruct its reader is echoed only where a phrase names something the
  // catalogue delivers, or stands in a paragraph of its own away from the attempt and asks nothing
  // for the sender (no discount, priority, approval, prompt): whatever else it says stays out.
  const manipulative = readLeadSignals(normalized, lead.message).injection;
  // A need's components are read from the part of the message it was cut from, not from its
  // shortened phrase alone: "Umzug auf ein neues System (Shopware 6 …)" names the shop.
  // A system the lead uses is named as what the solution is integrated with, and found with it.
  const stated = readStatedNeeds(lead.message)
    .map((need) => (need.kind === 'system' ? { ...need, phrase: text.system(need.phrase), context: `${need.context} ${text.system(need.phrase)}` } : need))
    .map((need) => {
      // "Available in EN, DE, FR and ES" names no catalogue keyword, yet asks for a multilingual product.
      const context = namesLanguages(need.context) ? `${need.context} multilingual` : need.context;
      const components = matchCatalogue(normalizeText(context), agency.components, entryKeywords).map((match) => match.entry);
      return { ...need, components };
    })
    .filter((need) => !manipulative || need.components.length > 0 || (!need.nearInstruction && !asksForFavours(need.context)));
  const statedDetail = (kind: StatedNeedKind, names: string) =>
    kind === 'system' ? text.systemDetail : kind === 'problem' ? (names ? text.problemWith(names) : text.problem) : names ? text.statedWith(names) : text.stated;
  const coveredByStated = new Set(stated.flatMap((need) => need.components.map((component) => component.id)));
  const drafts = [
    ...stated.map((need) => ({
      title: need.phrase,
      detail: statedDetail(need.kind, need.components.map((component) => component.name[language]).join(', ')),
      componentIds: need.components.map((component) => component.id),
      strong: true,
    })),
    ...matches
      .filter((match) => !coveredByStated.has(match.entry.id))
      .map((match) => ({
        title: match.entry.name[language],
        detail: text.detail(match.entry.name[language], match.keywords.map((keyword) => QUOTE[language](keyword)).join(', ')),
        componentIds: [match.entry.id],
        strong: match.keywords.length >= 2,
      })),
  ];
  const total = drafts.length;
  const mustCount = Math.max(1, Math.ceil(total * 0.6));
  const couldFrom = total >= 5 ? total - Math.floor(total / 5) : total;
  const requirements: Requirement[] = drafts.map((draft, index) => ({
    id: `REQ-${index + 1}`,
    title: draft.title,
    detail: draft.detail,
    priority: index < mustCount || (draft.strong && index < couldFrom) ? 'must' : index >= couldFrom ? 'could' : 'should',
    componentIds: draft.componentIds,
  }));
  const baseline = (agency.delivery?.baselineComponents ?? []).flatMap((id) => agency.components.filter((component) => component.id === id));
  if (requirements.length === 0) {
    requirements.push({
      id: 'REQ-1',
      title: text.scopeTitle,
      detail: text.scope(baseline.map((component) => component.name[language]).join(', ')),
      priority: 'must',
      componentIds: baseline.map((component) => component.id),
    });
  }

  const budget = parseBudget(lead.budget, 'field') ?? parseBudget(lead.message, 'message');
  const openQuestions: string[] = [];
  if (count < 2) openQuestions.push(text.essentials);
  openQuestions.push(text.users);
  openQuestions.push(text.systemsGeneric);
  if (!lead.timeline?.trim()) openQuestions.push(text.timeline);
  if (budget === null) openQuestions.push(text.budget);

  const steps = [
    `Need: ${count} catalogue component(s) named${count > 0 ? `: ${matches.map((match) => match.entry.id).join(', ')}` : '; the scope must be clarified first'}.`,
    `Priorities: ${requirements.map((requirement) => `${requirement.id} ${requirement.priority}`).join(', ')} (order of first mention, several keywords make a must).`,
    `Gaps: ${[budget === null ? 'budget' : null, lead.timeline?.trim() ? null : 'timeline', count < 2 ? 'scope' : null].filter(Boolean).join(', ') || 'none beyond users and existing systems'}.`,
  ];
  return { reasoning: steps.map((step, index) => `${index + 1}. ${step}`).join('\n'), requirements, openQuestions };
}
