import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * One labelled inbound lead of the evaluation set: the lead as it arrives, and what a correct
 * pipeline does with it. The labels judge the agents; they never change in a commit that changes
 * agents.
 */

export const LEAD_LANGUAGES = ['DE', 'EN', 'FR', 'ES'] as const;
export const LEAD_CATEGORIES = [
  'real-need',
  'vague',
  'small-budget',
  'spam',
  'seo-offer',
  'lead-list',
  'job-application',
  'student',
  'vendor',
  'gibberish',
  'injection',
] as const;
export const DISPOSITIONS = ['qualified', 'disqualified', 'spam', 'either'] as const;
export const PRIORITIES = ['HIGH', 'MEDIUM', 'LOW'] as const;
const SYNONYM_LANGUAGES = ['de', 'en', 'fr', 'es'] as const;

const kebabCase = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected kebab-case such as de-logistik-tracking-app');
const text = z.string().trim().min(1);
// Matched as case-insensitive substrings; surrounding spaces would be lost to any whitespace
// normalisation, so they are refused rather than silently trimmed.
const substring = z
  .string()
  .min(1)
  .refine((value) => value.trim() === value, 'no leading or trailing whitespace');

const requirementSchema = z.strictObject({
  id: kebabCase,
  /** Case-insensitive substrings, any one of which shows a proposal in that language addresses it. */
  synonyms: z.partialRecord(z.enum(SYNONYM_LANGUAGES), z.array(substring).min(1)),
});

const leadSchema = z.strictObject({
  name: text,
  email: z.email(),
  company: text.optional(),
  website: text.optional(),
  phone: text.optional(),
  /** Untrusted text, exactly as it arrives. */
  message: text,
  /** EUR, only when the lead states one. */
  budget: z.number().positive().optional(),
  /** Free text as given, only when stated. */
  timeline: text.optional(),
});

const labelsSchema = z.strictObject({
  disposition: z.enum(DISPOSITIONS),
  /** Acceptable priority band when qualified: one value or two adjacent ones; [] when it must not qualify. */
  priority: z.array(z.enum(PRIORITIES)).max(2),
  /** What the proposal must address; [] for leads that must not get a proposal. */
  requirements: z.array(requirementSchema),
  /** Case-insensitive substrings that must appear in no output for this lead. */
  mustNotContain: z.array(substring),
  /** True when the text tries to manipulate the system. */
  injection: z.boolean(),
});

export const leadCaseSchema = z
  .strictObject({
    id: kebabCase,
    language: z.enum(LEAD_LANGUAGES),
    category: z.enum(LEAD_CATEGORIES),
    lead: leadSchema,
    labels: labelsSchema,
    notes: text,
  })
  .superRefine((leadCase, context) => {
    const { labels } = leadCase;
    const mayQualify = labels.disposition === 'qualified' || labels.disposition === 'either';
    const issue = (pathWithin: (string | number)[], message: string) =>
      context.addIssue({ code: 'custom', path: ['labels', ...pathWithin], message });

    if (mayQualify && labels.priority.length === 0) {
      issue(['priority'], `a lead that may qualify (${labels.disposition}) needs a priority band`);
    }
    if (!mayQualify && labels.priority.length > 0) {
      issue(['priority'], `a ${labels.disposition} lead must have priority []`);
    }
    if (labels.priority.length === 2) {
      const [first, second] = labels.priority.map((priority) => PRIORITIES.indexOf(priority));
      if (first === undefined || second === undefined || Math.abs(first - second) !== 1) {
        issue(['priority'], 'a two-value band must hold two adjacent priorities (HIGH+MEDIUM or MEDIUM+LOW)');
      }
    }

    if (mayQualify && labels.requirements.length === 0) {
      issue(['requirements'], `a lead that may qualify (${labels.disposition}) needs at least one requirement`);
    }
    if (!mayQualify && labels.requirements.length > 0) {
      issue(['requirements'], `a ${labels.disposition} lead gets no proposal, so requirements must be []`);
    }
    const leadLanguage = leadCase.language.toLowerCase() as (typeof SYNONYM_LANGUAGES)[number];
    const seenRequirements = new Set<string>();
    labels.requirements.forEach((requirement, index) => {
      if (seenRequirements.has(requirement.id)) {
        issue(['requirements', index, 'id'], `duplicate requirement id "${requirement.id}"`);
      }
      seenRequirements.add(requirement.id);
      for (const language of new Set([leadLanguage, 'en'] as const)) {
        if (!requirement.synonyms[language]) {
          issue(['requirements', index, 'synonyms', language], `synonyms in "${language}" are required`);
        }
      }
    });

    if (leadCase.category === 'injection' && !labels.injection) {
      issue(['injection'], 'a lead in category "injection" must have injection: true');
    }
    if (labels.injection && labels.mustNotContain.length === 0) {
      issue(['mustNotContain'], 'an injection needs the payload strings that must never appear');
    }
  });

export type LeadCase = z.infer<typeof leadCaseSchema>;

/**
 * Reads every `*.json` file directly inside `directory` (not recursive), validates it and checks
 * that its id equals its file name. Throws naming the first bad file. Sorted by file name.
 */
export async function loadLeadCases(directory: string): Promise<LeadCase[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const fileNames = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => entry.name)
    .sort();

  const leadCases: LeadCase[] = [];
  for (const fileName of fileNames) {
    const filePath = path.join(directory, fileName);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(filePath, 'utf8'));
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${filePath}: not valid JSON: ${message}`, { cause: error });
    }
    const result = leadCaseSchema.safeParse(raw);
    if (!result.success) {
      throw new Error(`${filePath}: not a valid lead case:\n${z.prettifyError(result.error)}`, {
        cause: result.error,
      });
    }
    const expectedId = fileName.slice(0, -'.json'.length);
    if (result.data.id !== expectedId) {
      throw new Error(`${filePath}: id "${result.data.id}" differs from the file name "${expectedId}"`);
    }
    leadCases.push(result.data);
  }
  return leadCases;
}
