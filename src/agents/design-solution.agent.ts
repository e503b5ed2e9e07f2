import { z } from 'zod';
import { agencyLanguage, DATA_NOT_INSTRUCTIONS, delimitedData, expectedComponentCost, formatMoney, leadLanguageSchema } from './agent-support.js';
import type { AgencyConfig, AgencyLanguage } from './agency-config.js';
import { perAgency } from './agency-config.js';
import { REQUIREMENT_PRIORITIES } from './analyse-requirements.agent.js';
import { parseBudget } from './budget-parser.js';
import type { ChatMessage, GenerateObjectResult, LanguageModel } from './models/language-model.js';

/**
 * The solution architect. Strategy: tree of thoughts: at least three alternative designs that
 * differ in their components are drawn up, each scored on fit, risk and cost, and the best one is
 * chosen with a confidence. Offline the alternatives are lean (baseline and musts), standard
 * (and shoulds) and extended (everything asked plus the agency's robustness components), scored
 * from the catalogue's effort, the rate card and the stated budget.
 */

export const DESIGN_SOLUTION_AGENT = { agent: 'solution-architect', strategy: 'tree-of-thoughts' } as const;
export const DESIGN_SOLUTION_PROMPT_VERSION = 'design-solution/v1';

export const designSolutionInputSchema = z.object({
  language: leadLanguageSchema,
  /** As stated by the lead (untrusted): a number or a text such as "30-40k €". */
  budget: z.union([z.number(), z.string()]).nullable(),
  requirements: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      priority: z.enum(REQUIREMENT_PRIORITIES),
      componentIds: z.array(z.string()),
    }),
  ),
});
export type DesignSolutionInput = z.input<typeof designSolutionInputSchema>;

const score = z.number().min(0).max(1);
const designObject = z.object({
  reasoning: z.string().min(1).describe('Your tree of thoughts, written first: the alternatives you considered, how each scores and why the best wins. Internal only.'),
  alternatives: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9-]+$/).describe('A short kebab-case id, e.g. lean, standard, extended.'),
        name: z.string().min(1).describe("The alternative's name in the lead's language."),
        description: z.string().min(1).describe("What it includes and leaves out, in the lead's language."),
        componentIds: z.array(z.string()).min(1).describe('The catalogue components it is built from.'),
        fit: score.describe('0 to 1: how fully it meets the requirements (must counts most).'),
        risk: score.describe('0 to 1: delivery risk (size, deferred musts, budget overrun); lower is better.'),
        cost: score.describe('0 to 1: cost relative to the budget or the typical project size; lower is cheaper.'),
      }),
    )
    .min(3)
    .describe('At least three designs that differ in their components.'),
  chosenAlternativeId: z.string().describe('The id of the best alternative.'),
  confidence: score.describe('0 to 1: how clearly the chosen alternative beats the others.'),
  why: z.string().min(1).describe('Why the chosen alternative is best, in English, for the sales team.'),
  summary: z.string().min(1).describe("The chosen design in two or three sentences, in the lead's language, for the proposal."),
  stack: z.array(z.string().min(1)).describe('The technologies of the chosen design.'),
  risks: z.array(z.string().min(1)).describe("Risks of the chosen design, in the lead's language."),
  assumptions: z.array(z.string().min(1)).describe("Assumptions the design rests on, in the lead's language."),
});

/** The output schema, with the component ids of this agency's catalogue. */
/** Built once per agency configuration: zod compiles a schema on its first parse. */
export const designSchema = perAgency(buildDesignSchema);

function buildDesignSchema(agency: AgencyConfig) {
  const ids = agency.components.map((component) => component.id) as [string, ...string[]];
  const item = designObject.shape.alternatives.element;
  return designObject
    .extend({ alternatives: z.array(item.extend({ componentIds: z.array(z.enum(ids)).min(1) })).min(3).describe(designObject.shape.alternatives.description ?? '') })
    .superRefine((value, context) => {
      const keys = value.alternatives.map((alternative) => [...new Set(alternative.componentIds)].sort().join(','));
      keys.forEach((key, index) => {
        if (keys.indexOf(key) !== index) context.addIssue({ code: 'custom', path: ['alternatives', index, 'componentIds'], message: 'each alternative must differ from the others in its components' });
      });
      const ids = value.alternatives.map((alternative) => alternative.id);
      if (new Set(ids).size !== ids.length) context.addIssue({ code: 'custom', path: ['alternatives'], message: 'alternative ids must be unique' });
      if (!ids.includes(value.chosenAlternativeId)) context.addIssue({ code: 'custom', path: ['chosenAlternativeId'], message: `must be one of ${ids.join(', ')}` });
    });
}
export type SolutionDesign = z.output<typeof designObject>;
export type DesignAlternative = SolutionDesign['alternatives'][number];

export function buildDesignSolutionPrompt(input: z.output<typeof designSolutionInputSchema>, agency: AgencyConfig): { system: string; messages: ChatMessage[] } {
  const language = agencyLanguage(input.language);
  const system = [
    `You are the solution architect of ${agency.name}, a software development agency.`,
    '',
    'The component catalogue (id: name, effort in person-days):',
    ...agency.components.map((component) => `- ${component.id}: ${component.name.en}, ${component.effortDays.min}-${component.effortDays.max} days`),
    agency.delivery?.baselineComponents.length ? `Every design includes: ${agency.delivery.baselineComponents.join(', ')}.` : '',
    '',
    'Use a tree of thoughts, written into "reasoning" first:',
    '1. Draw up at least three alternative designs that differ in their components: e.g. a lean MVP, a standard solution,',
    '   an extended and scalable one; or off-the-shelf software with integration against custom development.',
    '2. Score each from 0 to 1 on fit (how fully it meets the requirements, must first), risk and cost (relative to the budget).',
    '3. Choose the best, give your confidence from 0 to 1 and say why.',
    `Write names, descriptions, summary, risks and assumptions in the lead's language (${language}); "why" in English.`,
    '',
    ...DATA_NOT_INSTRUCTIONS,
    'The requirements and budget are given as JSON between <requirements> and </requirements>.',
  ].filter((line, index, lines) => line !== '' || lines[index - 1] !== '').join('\n');
  const data = delimitedData('requirements', { language: input.language, budget: input.budget, requirements: input.requirements });
  return { system, messages: [{ role: 'user', content: `Design the solution.\n${data}` }] };
}

export async function designSolution(
  model: LanguageModel,
  input: DesignSolutionInput,
  agency: AgencyConfig,
  run: { leadId?: string | null; promptVersion?: string; signal?: AbortSignal } = {},
): Promise<GenerateObjectResult<SolutionDesign>> {
  const parsed = designSolutionInputSchema.parse(input);
  return model.generateObject({
    ...buildDesignSolutionPrompt(parsed, agency),
    schema: designSchema(agency),
    schemaName: 'solution_design',
    temperature: 0.4,
    signal: run.signal,
    offline: () => designSolutionOffline(parsed, agency),
    run: { ...DESIGN_SOLUTION_AGENT, promptVersion: run.promptVersion ?? DESIGN_SOLUTION_PROMPT_VERSION, leadId: run.leadId ?? null },
  });
}

const TEXT: Record<AgencyLanguage, {
  names: Record<'lean' | 'standard' | 'extended', string>;
  description: (parts: string, left: string) => string;
  summary: (name: string, parts: string) => string;
  deferred: (titles: string) => string;
  overBudget: (cost: string, budget: string) => string;
  large: string;
  scope: string;
  budgetAssumed: (budget: string) => string;
  noBudget: string;
  access: string;
}> = {
  de: {
    names: { lean: 'Schlankes MVP', standard: 'Standardlösung', extended: 'Erweiterte, skalierbare Lösung' },
    description: (parts, left) => `Umfasst ${parts}.${left ? ` Nicht enthalten: ${left}.` : ''}`,
    summary: (name, parts) => `Wir empfehlen die Variante „${name}“: ${parts}. So erhalten Sie eine tragfähige Lösung, die sich schrittweise erweitern lässt.`,
    deferred: (titles) => `Zurückgestellt für eine spätere Phase: ${titles}.`,
    overBudget: (cost, budget) => `Der erwartete Aufwand (ca. ${cost}) liegt über dem genannten Budget (${budget}); der Umfang ist gemeinsam zu priorisieren.`,
    large: 'Der Umfang ist groß; wir empfehlen eine Umsetzung in Phasen mit regelmäßigen Abnahmen.',
    scope: 'Der Umfang wird im Discovery-Workshop bestätigt; Anforderungen, die dort neu hinzukommen, werden gesondert geschätzt.',
    budgetAssumed: (budget) => `Das genannte Budget von ${budget} ist verbindlich eingeplant.`,
    noBudget: 'Es wurde kein Budget genannt; die Empfehlung orientiert sich an typischen Projektgrößen.',
    access: 'Zugänge zu bestehenden Systemen und Daten werden rechtzeitig bereitgestellt.',
  },
  en: {
    names: { lean: 'Lean MVP', standard: 'Standard solution', extended: 'Extended, scalable solution' },
    description: (parts, left) => `Includes ${parts}.${left ? ` Not included: ${left}.` : ''}`,
    summary: (name, parts) => `We recommend the "${name}": ${parts}. It gives you a solid solution that can be extended step by step.`,
    deferred: (titles) => `Deferred to a later phase: ${titles}.`,
    overBudget: (cost, budget) => `The expected effort (about ${cost}) exceeds the stated budget (${budget}); the scope needs to be prioritised together.`,
    large: 'The scope is large; we recommend delivering it in phases with regular acceptance.',
    scope: 'The scope is confirmed in the discovery workshop; requirements added there are estimated separately.',
    budgetAssumed: (budget) => `The stated budget of ${budget} is available.`,
    noBudget: 'No budget was stated; the recommendation follows typical project sizes.',
    access: 'Access to existing systems and data is provided in good time.',
  },
  fr: {
    names: { lean: 'MVP allégé', standard: 'Solution standard', extended: 'Solution étendue et évolutive' },
    description: (parts, left) => `Comprend ${parts}.${left ? ` Non inclus : ${left}.` : ''}`,
    summary: (name, parts) => `Nous recommandons la variante « ${name} » : ${parts}. Vous disposez ainsi d'une solution solide, extensible pas à pas.`,
    deferred: (titles) => `Reporté à une phase ultérieure : ${titles}.`,
    overBudget: (cost, budget) => `L'effort attendu (environ ${cost}) dépasse le budget indiqué (${budget}) ; le périmètre est à prioriser ensemble.`,
    large: 'Le périmètre est important ; nous recommandons une réalisation par phases avec des recettes régulières.',
    scope: "Le périmètre est confirmé lors de l'atelier de cadrage ; les besoins ajoutés alors sont chiffrés séparément.",
    budgetAssumed: (budget) => `Le budget indiqué de ${budget} est disponible.`,
    noBudget: "Aucun budget n'a été indiqué ; la recommandation suit les tailles de projet habituelles.",
    access: "L'accès aux systèmes et données existants est fourni à temps.",
  },
  es: {
    names: { lean: 'MVP ligero', standard: 'Solución estándar', extended: 'Solución ampliada y escalable' },
    description: (parts, left) => `Incluye ${parts}.${left ? ` No incluye: ${left}.` : ''}`,
    summary: (name, parts) => `Recomendamos la variante «${name}»: ${parts}. Así obtiene una solución sólida que puede ampliarse paso a paso.`,
    deferred: (titles) => `Aplazado a una fase posterior: ${titles}.`,
    overBudget: (cost, budget) => `El esfuerzo esperado (unos ${cost}) supera el presupuesto indicado (${budget}); el alcance debe priorizarse conjuntamente.`,
    large: 'El alcance es amplio; recomendamos una entrega por fases con aceptaciones periódicas.',
    scope: 'El alcance se confirma en el taller de descubrimiento; los requisitos nuevos se estiman aparte.',
    budgetAssumed: (budget) => `El presupuesto indicado de ${budget} está disponible.`,
    noBudget: 'No se indicó presupuesto; la recomendación sigue los tamaños de proyecto habituales.',
    access: 'El acceso a los sistemas y datos existentes se facilita a tiempo.',
  },
};

const WEIGHT = { must: 1, should: 0.6, could: 0.3 } as const;
const round2 = (value: number) => Math.round(Math.max(0, Math.min(1, value)) * 100) / 100;

/**
 * The deterministic tree of thoughts. Three branches: lean (baseline and musts), standard
 * (and shoulds), extended (everything asked and the delivery section's extension components).
 * Where two would coincide, lean drops its last-named must and extended adds the next catalogue
 * component, so that they always differ. Scores: fit is the covered share of the priority-weighted
 * requirements; cost the expected price against the stated budget (else the typical maximum),
 * money / (money + reference), so 0.5 at the reference; risk grows with deferred musts, size and the budget overrun and falls
 * with the extension components. Best: 0.45 fit + 0.25 (1 − risk) + 0.3 (1 − cost).
 */
export function designSolutionOffline(input: DesignSolutionInput, agency: AgencyConfig): SolutionDesign {
  const parsed = designSolutionInputSchema.parse(input);
  const language = agencyLanguage(parsed.language);
  const text = TEXT[language];
  const known = new Set(agency.components.map((component) => component.id));
  const requirements = parsed.requirements.map((requirement) => ({ ...requirement, componentIds: requirement.componentIds.filter((id) => known.has(id)) }));
  const baseline = (agency.delivery?.baselineComponents ?? []).filter((id) => known.has(id));
  const extension = (agency.delivery?.extensionComponents ?? []).filter((id) => known.has(id));
  const of = (priorities: readonly string[]) => requirements.filter((requirement) => priorities.includes(requirement.priority)).flatMap((requirement) => requirement.componentIds);
  const ordered = (ids: Iterable<string>) => {
    const set = new Set(ids);
    return agency.components.filter((component) => set.has(component.id)).map((component) => component.id);
  };
  const same = (a: string[], b: string[]) => a.join() === b.join();

  let standard = ordered([...baseline, ...of(['must', 'should'])]);
  let lean = ordered([...baseline, ...of(['must'])]);
  if (same(lean, standard) || lean.length === 0) {
    const musts = [...new Set(of(['must']))].filter((id) => !baseline.includes(id));
    lean = ordered([...baseline, ...musts.slice(0, Math.max(1, musts.length - 1))]);
    if (same(lean, standard)) lean = ordered(baseline.length > 0 && baseline.length < standard.length ? baseline : standard.slice(0, Math.max(1, standard.length - 1)));
  }
  // A need the catalogue barely covers can leave lean and standard alike: the branches must still
  // differ, so the larger one takes on the next extension (or any) component.
  const widen = (ids: string[]) => ordered([...ids, ...[...extension, ...known].filter((id) => !ids.includes(id)).slice(0, 1)]);
  if (same(lean, standard)) standard = widen(standard);
  let extended = ordered([...standard, ...of(REQUIREMENT_PRIORITIES), ...extension]);
  while ((same(extended, standard) || same(extended, lean)) && extended.length < known.size) extended = widen(extended);

  const budget = parseBudget(parsed.budget, 'field');
  const reference = budget?.max ?? agency.typicalProjectSize.max;
  const totalWeight = requirements.reduce((sum, requirement) => sum + WEIGHT[requirement.priority], 0);
  const nameOf = (id: string) => agency.components.find((component) => component.id === id)!.name[language];
  const branches = (['lean', 'standard', 'extended'] as const).map((id) => {
    const componentIds = id === 'lean' ? lean : id === 'standard' ? standard : extended;
    const covered = requirements.filter((requirement) => requirement.componentIds.every((component) => componentIds.includes(component)));
    const deferred = requirements.filter((requirement) => !covered.includes(requirement));
    const deferredMust = deferred.filter((requirement) => requirement.priority === 'must').length / Math.max(1, requirements.filter((requirement) => requirement.priority === 'must').length);
    const { days, cost: money } = expectedComponentCost(agency, componentIds);
    const fit = totalWeight === 0 ? 1 : covered.reduce((sum, requirement) => sum + WEIGHT[requirement.priority], 0) / totalWeight;
    const cost = money / (money + reference);
    const overBudget = budget !== null && money > budget.max;
    const extensionShare = extension.length === 0 ? 0 : extension.filter((component) => componentIds.includes(component)).length / extension.length;
    const risk = 0.15 + 0.35 * deferredMust + 0.25 * Math.min(1, days / 150) + (budget !== null ? 0.3 * Math.min(1, Math.max(0, money - budget.max) / budget.max) : 0) - 0.15 * extensionShare;
    const left = deferred.map((requirement) => requirement.title);
    return {
      alternative: {
        id,
        name: text.names[id],
        description: text.description(componentIds.map(nameOf).join(', '), left.join(', ')),
        componentIds,
        fit: round2(fit),
        risk: round2(risk),
        cost: round2(cost),
      } satisfies DesignAlternative,
      money,
      days,
      overBudget,
      deferred: left,
    };
  });
  // A stated budget is a ceiling the lead named: a design well above it is scored down by how far,
  // so that a lean first phase wins over a design the lead cannot pay for. Not capped: when every
  // design is far above the budget, the furthest must still score lowest.
  const overrun = (alternative: DesignAlternative) => {
    const branch = branches.find((entry) => entry.alternative === alternative)!;
    return budget === null ? 0 : Math.max(0, branch.money / budget.max - 1.25);
  };
  const total = (alternative: DesignAlternative) => 0.45 * alternative.fit + 0.25 * (1 - alternative.risk) + 0.3 * (1 - alternative.cost) - 0.6 * overrun(alternative);
  const ranked = [...branches].sort((a, b) => total(b.alternative) - total(a.alternative));
  const best = ranked[0]!;
  const margin = total(best.alternative) - total(ranked[1]!.alternative);
  const confidence = round2(Math.min(0.95, Math.max(0.35, 0.55 + 3 * margin)));

  const stack = [...new Set(best.alternative.componentIds.flatMap((id) => agency.delivery?.componentStack[id] ?? []))];
  const risks = [
    ...(best.deferred.length > 0 ? [text.deferred(best.deferred.join(', '))] : []),
    ...(best.overBudget && budget ? [text.overBudget(formatMoney(agency, best.money, language), formatMoney(agency, budget.max, language))] : []),
    ...(best.days > 100 ? [text.large] : []),
  ];
  const commitments = best.alternative.componentIds.flatMap((id) => agency.components.find((component) => component.id === id)?.commitment?.[language] ?? []);
  const assumptions = [text.scope, budget ? text.budgetAssumed(formatMoney(agency, budget.max, language)) : text.noBudget, text.access, ...new Set(commitments)];
  const describe = (branch: (typeof branches)[number]) =>
    `${branch.alternative.id} [${branch.alternative.componentIds.join(', ')}]: fit ${branch.alternative.fit}, risk ${branch.alternative.risk}, cost ${branch.alternative.cost} (about ${Math.round(branch.money)} ${agency.currency}, ${Math.round(branch.days)} days), total ${total(branch.alternative).toFixed(2)}`;
  const why = `${best.alternative.id} scores best (${total(best.alternative).toFixed(2)} against ${total(ranked[1]!.alternative).toFixed(2)} for ${ranked[1]!.alternative.id}): fit ${best.alternative.fit}, risk ${best.alternative.risk}, cost ${best.alternative.cost}${budget ? ` against a budget of ${budget.max} ${agency.currency}` : ' against the typical project size'}.`;
  return {
    reasoning: [...branches.map((branch, index) => `${index + 1}. ${describe(branch)}.`), `${branches.length + 1}. ${why}`].join('\n'),
    alternatives: branches.map((branch) => branch.alternative),
    chosenAlternativeId: best.alternative.id,
    confidence,
    why,
    summary: text.summary(best.alternative.name, best.alternative.componentIds.map(nameOf).join(', ')),
    stack,
    risks,
    assumptions,
  };
}
