import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The agency's knowledge: who it is, what it does and does not do, its rate card and component
 * catalogue, its minimum project size and pricing bounds. One file (`AGENCY_CONFIG`, else the
 * shipped `config/agency.yaml`), validated once at start-up and read by the agents and their
 * offline implementations alike: nothing of it is hard-coded anywhere else.
 */

export const AGENCY_LANGUAGES = ['de', 'en', 'fr', 'es'] as const;
export type AgencyLanguage = (typeof AGENCY_LANGUAGES)[number];

/** From `dist/src/agents/` (the build) to the repository's `config/`. */
export const DEFAULT_AGENCY_CONFIG_PATH = fileURLToPath(new URL('../../../config/agency.yaml', import.meta.url));

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a kebab-case id such as web-app');
const text = z.string().trim().min(1, 'expected a non-empty text');
const money = z.number({ message: 'expected an amount' }).positive('expected a positive amount');
const localized = z.strictObject({ de: text, en: text, fr: text, es: text });
const keywords = z.array(text).min(1, 'expected at least one keyword');
const keywordsByLanguage = z.strictObject({ de: keywords, en: keywords, fr: keywords, es: keywords });
const range = z
  .strictObject({ min: z.number().nonnegative('expected zero or more'), max: z.number().positive('expected a positive number') })
  .refine((value) => value.min <= value.max, { message: 'min must not exceed max', path: ['min'] });

const service = z.strictObject({ id, name: localized, keywords: keywordsByLanguage });

const agencyConfigSchema = z
  .strictObject({
    name: text,
    website: z.url({ message: 'expected a URL such as https://agency.example' }),
    contact: z.strictObject({
      email: z.email({ message: 'expected an e-mail address' }),
      phone: text.nullable(),
      /** The postal address printed at the foot of every e-mail and on the proposal PDF; optional so older files stay valid. */
      address: text.nullable().default(null),
      /** Where the lead's replies go (Reply-To); the contact e-mail when unset. */
      replyTo: z.email({ message: 'expected an e-mail address' }).nullable().default(null),
    }),
    /** The closing lines of every message, per language. */
    signature: localized,
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR'),
    /** Below this total the agency does not take a project. */
    minimumProjectSize: money,
    typicalProjectSize: range,
    pricing: z.strictObject({
      minTotal: money,
      maxTotal: money,
      maxDiscountPercent: z.number().min(0, 'expected 0 to 100').max(100, 'expected 0 to 100'),
    }),
    rateCard: z.array(z.strictObject({ id, name: localized, dayRate: money })).min(1, 'expected at least one role'),
    components: z
      .array(
        z.strictObject({
          id,
          name: localized,
          effortDays: range,
          keywords: keywordsByLanguage,
          /** What every design with this component commits to (how AI output is checked, say): listed with the design's assumptions. */
          commitment: localized.optional(),
        }),
      )
      .min(1, 'expected at least one component'),
    services: z.strictObject({
      offered: z.array(service).min(1, 'expected at least one service'),
      notOffered: z.array(service),
    }),
    /**
     * How the agency delivers and prices a project, read by the architect, estimator and pricing
     * agents. Optional, so that older files stay valid: without it no baseline components, no
     * management or QA share, each component on the first role of the rate card, and fixed prices
     * never offered.
     */
    delivery: z
      .strictObject({
        /** Components every design includes, whatever the lead names (e.g. a discovery workshop). */
        baselineComponents: z.array(id).default([]),
        /** Components that make a design more robust or scalable: the extended alternative adds them. */
        extensionComponents: z.array(id).default([]),
        /** The rate card role that does each component's work; unlisted components go to defaultRole. */
        componentRoles: z.record(id, id).default({}),
        defaultRole: id,
        /** The technologies the agency uses for each component, for the design's stack. */
        componentStack: z.record(id, z.array(text)).default({}),
        /** Project management and QA on top of the component work, as shares of it (0.1 = 10 %). */
        projectManagement: z.strictObject({ share: z.number().min(0).max(1), role: id }).nullable().default(null),
        qualityAssurance: z.strictObject({ share: z.number().min(0).max(1), role: id }).nullable().default(null),
        /** A fixed price is offered when the requirements are clear and the total is at most this; else time and materials. */
        fixedPriceMaxTotal: z.number().nonnegative('expected zero or more'),
      })
      .optional(),
    /**
     * The reviewer's pass mark (0 to 100) and how many review-and-revise rounds a proposal gets
     * before it goes to a person anyway. Optional, with these defaults, so that older files stay valid.
     */
    review: z
      .strictObject({
        threshold: z.number().min(0, 'expected 0 to 100').max(100, 'expected 0 to 100').default(80),
        maxRounds: z.number().int('expected a whole number').min(0, 'expected zero or more').max(10, 'expected at most 10').default(2),
      })
      .default({ threshold: 80, maxRounds: 2 }),
  })
  .superRefine(
    (parsed, context) => {
      // Runs even when fields are invalid (see `when`), so that every problem is reported at
      // once: hence the defensive reading.
      const config = parsed as unknown as Partial<Record<string, any>>;
      const unique = (items: unknown, path: string) => {
        if (!Array.isArray(items)) return;
        const seen = new Set<unknown>();
        items.forEach((item: { id?: unknown } | undefined, index) => {
          if (item?.id !== undefined && seen.has(item.id)) {
            context.addIssue({ code: 'custom', message: `duplicate id "${String(item.id)}"`, path: [...path.split('.'), index, 'id'] });
          }
          seen.add(item?.id);
        });
      };
      unique(config['rateCard'], 'rateCard');
      unique(config['components'], 'components');
      unique(config['services']?.offered, 'services.offered');
      const minTotal = config['pricing']?.minTotal;
      const maxTotal = config['pricing']?.maxTotal;
      if (typeof minTotal === 'number' && typeof maxTotal === 'number') {
        if (minTotal > maxTotal) context.addIssue({ code: 'custom', message: 'minTotal must not exceed maxTotal', path: ['pricing', 'minTotal'] });
        const minimum = config['minimumProjectSize'];
        if (typeof minimum === 'number' && (minimum < minTotal || minimum > maxTotal)) {
          context.addIssue({ code: 'custom', message: 'must lie between pricing.minTotal and pricing.maxTotal', path: ['minimumProjectSize'] });
        }
      }
      const delivery = config['delivery'];
      if (delivery && typeof delivery === 'object') {
        const roles = new Set((Array.isArray(config['rateCard']) ? config['rateCard'] : []).map((role: { id?: unknown }) => role?.id));
        const components = new Set((Array.isArray(config['components']) ? config['components'] : []).map((component: { id?: unknown }) => component?.id));
        const role = (value: unknown, path: PropertyKey[]) => {
          if (typeof value === 'string' && !roles.has(value)) context.addIssue({ code: 'custom', message: `"${value}" is not a role of the rate card`, path: ['delivery', ...path] });
        };
        const component = (value: unknown, path: PropertyKey[]) => {
          if (typeof value === 'string' && !components.has(value)) context.addIssue({ code: 'custom', message: `"${value}" is not a component of the catalogue`, path: ['delivery', ...path] });
        };
        role(delivery.defaultRole, ['defaultRole']);
        role(delivery.projectManagement?.role, ['projectManagement', 'role']);
        role(delivery.qualityAssurance?.role, ['qualityAssurance', 'role']);
        for (const [key, value] of Object.entries((delivery.componentRoles ?? {}) as Record<string, unknown>)) {
          component(key, ['componentRoles', key]);
          role(value, ['componentRoles', key]);
        }
        for (const key of Object.keys((delivery.componentStack ?? {}) as Record<string, unknown>)) component(key, ['componentStack', key]);
        for (const list of ['baselineComponents', 'extensionComponents'] as const) {
          if (Array.isArray(delivery[list])) delivery[list].forEach((value: unknown, index: number) => component(value, [list, index]));
        }
      }
      const offered = Array.isArray(config['services']?.offered) ? config['services'].offered : [];
      const notOffered = Array.isArray(config['services']?.notOffered) ? config['services'].notOffered : [];
      const offeredIds = new Set(offered.map((service: { id?: unknown }) => service?.id));
      notOffered.forEach((service: { id?: unknown } | undefined, index: number) => {
        if (offeredIds.has(service?.id)) {
          context.addIssue({ code: 'custom', message: `"${String(service?.id)}" is also an offered service`, path: ['services', 'notOffered', index, 'id'] });
        }
      });
    },
    { when: () => true },
  );

export type AgencyConfig = z.output<typeof agencyConfigSchema>;
export type AgencyService = AgencyConfig['services']['offered'][number];
export type AgencyComponent = AgencyConfig['components'][number];
export type AgencyDelivery = NonNullable<AgencyConfig['delivery']>;

export class AgencyConfigError extends Error {
  readonly code = 'AGENCY_CONFIG_INVALID';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`The agency configuration ${source} is invalid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'AgencyConfigError';
  }
}

/** Validates already parsed data; every problem is reported at once, each with its path. */
export function parseAgencyConfig(data: unknown, source: string): AgencyConfig {
  const parsed = agencyConfigSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new AgencyConfigError(
    source,
    parsed.error.issues.map((issue) => `${formatPath(issue.path) || '(the file)'}: ${issue.message}`),
  );
}

/** Reads and validates the file (YAML, or JSON by its `.json` extension). */
export function loadAgencyConfig(path: string = DEFAULT_AGENCY_CONFIG_PATH): AgencyConfig {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((error as Error).message);
    throw new AgencyConfigError(path, [`cannot read it (${reason}); AGENCY_CONFIG names the file, unset it for the shipped default`]);
  }
  let data: unknown;
  try {
    data = extname(path).toLowerCase() === '.json' ? JSON.parse(content) : parseYaml(content);
  } catch (error) {
    throw new AgencyConfigError(path, [`not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`]);
  }
  return parseAgencyConfig(data, path);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}

/**
 * `build` run once per agency configuration (the object, which a process keeps for its life), for
 * what is costly to build on every call, such as a schema zod compiles on its first parse.
 */
export function perAgency<T>(build: (agency: AgencyConfig) => T): (agency: AgencyConfig) => T {
  const built = new WeakMap<AgencyConfig, T>();
  return (agency) => {
    let value = built.get(agency);
    if (value === undefined) {
      value = build(agency);
      built.set(agency, value);
    }
    return value;
  };
}
