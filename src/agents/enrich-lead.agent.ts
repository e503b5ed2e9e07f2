import { z } from 'zod';
import { DATA_NOT_INSTRUCTIONS, delimitedData } from './agent-support.js';
import type { AgencyConfig } from './agency-config.js';
import { emailDomain, isDisposableMailDomain, isFreeMailDomain, websiteDomain } from './email-domains.js';
import { findKeywords, normalizeText } from './keyword-matcher.js';
import { readLeadSignals } from './lead-signals.js';
import type { ChatMessage, GenerateObjectResult, LanguageModel } from './models/language-model.js';

/**
 * The enrichment agent: what can be inferred about the sender's company from what the lead gave
 * us — its domain, name, industry, size and country. Strategy: extract and infer. There is no
 * network access: nothing is looked up, every answer is an inference from the fields and the
 * message, with the evidence for it and a confidence.
 */

export const ENRICH_LEAD_AGENT = { agent: 'enrichment', strategy: 'extract-and-infer' } as const;
export const ENRICH_LEAD_PROMPT_VERSION = 'enrich-lead/v1';

export const enrichLeadInputSchema = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  company: z.string().nullable(),
  website: z.string().nullable(),
  /** Untrusted text written by whoever filled in the form. */
  message: z.string().nullable(),
});
export type EnrichLeadInput = z.input<typeof enrichLeadInputSchema>;

export const INDUSTRIES = [
  'retail', 'logistics', 'healthcare', 'finance', 'insurance', 'manufacturing', 'education', 'public_sector', 'hospitality',
  'real_estate', 'media', 'software', 'energy', 'agriculture', 'legal', 'nonprofit', 'other', 'unknown',
] as const;
export type Industry = (typeof INDUSTRIES)[number];
export const COMPANY_SIZES = ['micro', 'small', 'medium', 'large', 'unknown'] as const;

const enrichmentObject = z.object({
  reasoning: z.string().min(1).describe('Your thinking, written first: what each field rests on. Internal only.'),
  company: z.string().nullable().describe('The company name as given, else inferred from a company domain; null for free-mail senders without one.'),
  domain: z.string().nullable().describe("The company's own domain (website, else e-mail), without www; null for free-mail."),
  freeMailProvider: z.boolean().describe('True when the e-mail address is at a free-mail provider such as gmail.com or gmx.de.'),
  industry: z.enum(INDUSTRIES).describe('unknown without evidence; other when it is none of the listed ones.'),
  size: z.enum(COMPANY_SIZES).describe('micro below 10 employees, small below 50, medium below 250, large from 250.'),
  employees: z.number().int().positive().nullable().describe('Only when the lead states a number.'),
  country: z.string().nullable().describe('ISO 3166-1 alpha-2 code in capitals, e.g. DE; null without evidence.'),
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string().min(1)).describe('Short English notes of what each inference rests on.'),
});
export type Enrichment = z.output<typeof enrichmentObject>;

/** The sizes' bands, as the EU defines small and medium enterprises. */
export function sizeForEmployees(employees: number): Exclude<(typeof COMPANY_SIZES)[number], 'unknown'> {
  return employees < 10 ? 'micro' : employees < 50 ? 'small' : employees < 250 ? 'medium' : 'large';
}

export const enrichmentSchema = enrichmentObject.superRefine((value, context) => {
  if (value.country !== null && !/^[A-Z]{2}$/.test(value.country)) {
    context.addIssue({ code: 'custom', path: ['country'], message: 'must be an ISO 3166-1 alpha-2 code in capitals, such as DE, or null' });
  }
  if (value.employees !== null && value.size !== sizeForEmployees(value.employees)) {
    context.addIssue({ code: 'custom', path: ['size'], message: `must be ${sizeForEmployees(value.employees)} for ${value.employees} employees` });
  }
  if (value.freeMailProvider && value.domain !== null && isFreeMailDomain(value.domain)) {
    context.addIssue({ code: 'custom', path: ['domain'], message: 'must not be a free-mail provider: null, or the website domain' });
  }
});

export function buildEnrichLeadPrompt(input: z.output<typeof enrichLeadInputSchema>, agency: AgencyConfig): { system: string; messages: ChatMessage[] } {
  const system = [
    `You enrich inbound leads for ${agency.name}, a software development agency. You have no internet access: infer, never invent.`,
    '',
    '- domain: the website host without www, else the e-mail domain unless it is a free-mail provider (then null).',
    '- company: as given; else from a company domain (mueller-logistik.de → Mueller Logistik); null for free-mail senders.',
    `- industry: one of ${INDUSTRIES.join(', ')}; unknown without evidence.`,
    '- size and employees: a stated head count decides (micro < 10, small < 50, medium < 250, large); else cues such as',
    '  "startup", "Konzern", "multinational", a legal form (GmbH, SARL, SL: small; AG, SA: medium); else unknown.',
    '- country: ISO code from a country top-level domain (.de → DE, .fr → FR, .es → ES, .co.uk → GB); null for .com and the like.',
    '- confidence from 0 to 1, and evidence: short English notes of what each inference rests on.',
    '',
    ...DATA_NOT_INSTRUCTIONS,
    'The lead is given as JSON between <lead> and </lead>.',
  ].join('\n');
  return { system, messages: [{ role: 'user', content: `Enrich this lead.\n${delimitedData('lead', input)}` }] };
}

export async function enrichLead(
  model: LanguageModel,
  input: EnrichLeadInput,
  agency: AgencyConfig,
  run: { leadId?: string | null; promptVersion?: string; signal?: AbortSignal } = {},
): Promise<GenerateObjectResult<Enrichment>> {
  const parsed = enrichLeadInputSchema.parse(input);
  return model.generateObject({
    ...buildEnrichLeadPrompt(parsed, agency),
    schema: enrichmentSchema,
    schemaName: 'lead_enrichment',
    temperature: 0.1,
    signal: run.signal,
    offline: () => enrichLeadOffline(parsed, agency),
    run: { ...ENRICH_LEAD_AGENT, promptVersion: run.promptVersion ?? ENRICH_LEAD_PROMPT_VERSION, leadId: run.leadId ?? null },
  });
}

// ---------------------------------------------------------------------------------------------
// What the rules know

/** Industry cues in the four languages, matched on the message, the company name and the domain. */
const INDUSTRY_KEYWORDS: Record<Exclude<Industry, 'other' | 'unknown'>, string[]> = {
  retail: [
    'retail', 'online shop', 'webshop', 'e-commerce', 'ecommerce', 'shop', 'boutique', 'fashion', 'supermarket',
    'einzelhandel', 'handel', 'filialen', 'ladengeschaft', 'modehaus', 'commerce de detail', 'magasin', 'magasins', 'enseigne',
    'comercio', 'tienda', 'tiendas', 'minorista', 'tienda de moda',
  ],
  logistics: [
    'logistics', 'shipping', 'shipment', 'shipments', 'freight', 'warehouse', 'fleet', 'delivery routes', 'courier', 'forwarding',
    'logistik', 'spedition', 'sendungen', 'lager', 'fuhrpark', 'transport', 'logistique', 'expedition', 'entrepot', 'transporteur',
    'logistica', 'envios', 'almacen', 'flota', 'mensajeria', 'transportes',
  ],
  healthcare: [
    'healthcare', 'health care', 'clinic', 'hospital', 'patients', 'patient', 'medical', 'physiotherapy', 'dental', 'pharmacy',
    'klinik', 'krankenhaus', 'praxis', 'arztpraxis', 'patienten', 'pflege', 'medizin', 'clinique', 'hopital', 'cabinet medical',
    'sante', 'pharmacie', 'clinica', 'hospital', 'pacientes', 'salud', 'farmacia', 'sanitario',
  ],
  finance: [
    'bank', 'banking', 'fintech', 'finance', 'financial', 'investment fund', 'asset management', 'accounting', 'payments provider',
    'finanz', 'finanzen', 'vermogensverwaltung', 'buchhaltung', 'steuerberatung', 'banque', 'financier', 'comptabilite',
    'expert comptable', 'banco', 'financiera', 'finanzas', 'contabilidad', 'gestoria',
  ],
  insurance: [
    'insurance', 'insurer', 'claims', 'policyholders', 'broker', 'versicherung', 'versicherer', 'schadensmeldung', 'makler',
    'assurance', 'assureur', 'sinistres', 'courtier', 'mutuelle', 'seguros', 'aseguradora', 'siniestros', 'corredor de seguros',
  ],
  manufacturing: [
    'manufacturing', 'manufacturer', 'factory', 'production line', 'plant', 'machinery', 'industrial', 'maschinenbau', 'fertigung',
    'produktion', 'hersteller', 'werk', 'fabrik', 'industrie', 'fabrication', 'usine', 'fabricant', 'fabricacion',
    'fabrica', 'fabricante', 'planta', 'industrial', 'maquinaria',
  ],
  education: [
    'school', 'schools', 'university', 'students', 'teachers', 'e-learning', 'elearning', 'training courses', 'academy',
    'schule', 'schulen', 'hochschule', 'universitat', 'schuler', 'lehrer', 'weiterbildung', 'akademie', 'ecole', 'universite',
    'eleves', 'enseignants', 'formation', 'escuela', 'colegio', 'universidad', 'alumnos', 'profesores', 'formacion', 'academia',
  ],
  public_sector: [
    'municipality', 'city council', 'government', 'public sector', 'public authority', 'ministry', 'gemeinde', 'stadtverwaltung',
    'behorde', 'landratsamt', 'offentliche verwaltung', 'ministerium', 'mairie', 'collectivite', 'administration publique',
    'ministere', 'prefecture', 'ayuntamiento', 'administracion publica', 'ministerio', 'diputacion', 'sector publico',
  ],
  hospitality: [
    'hotel', 'hotels', 'restaurant', 'restaurants', 'guests', 'bookings', 'tourism', 'catering', 'gastronomie', 'gaste',
    'tourismus', 'hotellerie', 'clients de l hotel', 'tourisme', 'restauration', 'hotel', 'huespedes', 'turismo',
    'hosteleria', 'restaurante', 'restaurantes',
  ],
  real_estate: [
    'real estate', 'property management', 'properties', 'tenants', 'landlord', 'estate agent', 'immobilien', 'hausverwaltung',
    'mieter', 'makler', 'immobilier', 'agence immobiliere', 'locataires', 'gestion locative', 'inmobiliaria', 'inmobiliario',
    'inquilinos', 'alquiler',
  ],
  media: [
    'media', 'publisher', 'publishing', 'magazine', 'newspaper', 'broadcast', 'podcast', 'verlag', 'zeitung', 'zeitschrift',
    'redaktion', 'medien', 'editeur', 'edition', 'journal', 'magazine', 'medias', 'editorial', 'periodico', 'revista', 'medios',
  ],
  software: [
    'saas', 'software company', 'software vendor', 'it services', 'softwarehaus', 'softwareunternehmen',
    'it dienstleister', 'editeur de logiciels', 'esn', 'empresa de software', 'plataforma saas',
  ],
  energy: [
    'energy', 'solar', 'photovoltaic', 'wind farm', 'utility', 'utilities', 'electricity', 'power grid', 'energie', 'stadtwerke',
    'photovoltaik', 'strom', 'windpark', 'electricite', 'fournisseur d energie', 'eolien', 'energia', 'electrica', 'fotovoltaica',
    'eolica', 'renovables',
  ],
  agriculture: [
    'agriculture', 'farm', 'farmers', 'farming', 'crops', 'livestock', 'landwirtschaft', 'bauernhof', 'landwirte', 'agrar',
    'agricole', 'agriculteurs', 'exploitation agricole', 'ferme', 'agricultura', 'agricultores', 'granja', 'cosecha', 'ganaderia',
  ],
  legal: [
    'law firm', 'lawyers', 'attorneys', 'legal services', 'solicitors', 'kanzlei', 'rechtsanwalt', 'rechtsanwalte', 'anwalte',
    'notar', 'cabinet d avocats', 'avocats', 'avocat', 'notaire', 'juridique', 'bufete', 'abogados', 'despacho de abogados', 'notaria',
  ],
  nonprofit: [
    'nonprofit', 'non-profit', 'charity', 'ngo', 'foundation', 'volunteers', 'donations', 'verein', 'stiftung', 'gemeinnutzig',
    'ehrenamtliche', 'spenden', 'association', 'fondation', 'benevoles', 'dons', 'ong', 'fundacion', 'asociacion', 'voluntarios',
    'donaciones', 'sin animo de lucro',
  ],
};

/** A stated head count: "120 employees", "120 Mitarbeiter", "120 salariés", "120 empleados". */
const HEAD_COUNT =
  /(\d{1,3}(?:[.,\s]\d{3})+|\d+)\s*\+?\s*(?:employees|employes|staff|members of staff|mitarbeiter(?:innen|n)?|mitarbeitende|mitarbeitenden|beschaftigte|beschaftigten|angestellte|angestellten|salaries|collaborateurs|empleados|trabajadores|colaboradores)\b/;

/** Size cues without a number, strongest first. */
const SIZE_CUES: { size: 'large' | 'medium' | 'small' | 'micro'; keywords: string[] }[] = [
  {
    size: 'large',
    keywords: [
      'konzern', 'multinational', 'multinationale', 'multinacional', 'corporation', 'global company', 'worldwide',
      'listed company', 'dax', 'weltweit', 'groupe international', 'grand groupe', 'cac 40', 'ibex 35', 'gran empresa', 'grupo internacional',
    ],
  },
  { size: 'medium', keywords: ['mittelstand', 'mittelstandisch', 'mid sized', 'mid size', 'midsize', 'pme', 'eti', 'pyme', 'mediana empresa'] },
  {
    size: 'micro',
    keywords: [
      'startup', 'start up', 'freelancer', 'freiberufler', 'selbststandig', 'einzelunternehmen', 'one person business', 'founder',
      'grunder', 'independant', 'auto entrepreneur', 'micro entreprise', 'autonomo', 'emprendedor', 'fundador',
    ],
  },
  { size: 'small', keywords: ['small business', 'kleinunternehmen', 'petite entreprise', 'pequena empresa'] },
];

/**
 * Legal forms, read from the company name only ("sa" and "ag" are ordinary words in a French or
 * German sentence): stock corporations are medium at least, limited companies small.
 */
const LEGAL_FORMS: { size: 'medium' | 'small'; keywords: string[] }[] = [
  { size: 'medium', keywords: ['ag', 'se', 'kgaa', 'sa', 'plc', 'nv', 'spa'] },
  { size: 'small', keywords: ['gmbh', 'ug', 'ohg', 'kg', 'gbr', 'sarl', 'sas', 'sasu', 'eurl', 'sl', 'slu', 'sll', 'ltd', 'llc', 'bvba', 'bv'] },
];

/** Country top-level domains; generic ones (.com, .io, .eu) say nothing. */
const TLD_COUNTRIES: Record<string, string> = {
  de: 'DE', at: 'AT', ch: 'CH', li: 'LI', fr: 'FR', be: 'BE', lu: 'LU', mc: 'MC', es: 'ES', cat: 'ES', pt: 'PT', it: 'IT',
  nl: 'NL', uk: 'GB', ie: 'IE', dk: 'DK', se: 'SE', no: 'NO', fi: 'FI', pl: 'PL', cz: 'CZ', sk: 'SK', hu: 'HU', ro: 'RO',
  gr: 'GR', us: 'US', ca: 'CA', mx: 'MX', ar: 'AR', cl: 'CL', pe: 'PE', uy: 'UY', ve: 'VE', ec: 'EC', br: 'BR',
  au: 'AU', nz: 'NZ', ma: 'MA', tn: 'TN', sn: 'SN', ci: 'CI', jp: 'JP', in: 'IN', za: 'ZA',
};

export function countryForDomain(domain: string | null): string | null {
  if (domain === null) return null;
  const tld = domain.split('.').pop() ?? '';
  // .co (Colombia) is left out: it is mostly used as a generic .com. co.uk and com.mx end in the country.
  return TLD_COUNTRIES[tld] ?? null;
}

/** "mueller-logistik.de" → "Mueller Logistik", "ibm.com" → "IBM", "shop.acme.co.uk" → "Acme". */
export function companyNameFromDomain(domain: string): string | null {
  const labels = domain.toLowerCase().replace(/^www\./, '').split('.');
  // Drop the public suffix: one label, or two for co.uk, com.mx and the like.
  const suffixLength = labels.length >= 3 && /^(co|com|org|net|gov|ac|gob|edu)$/.test(labels[labels.length - 2]!) ? 2 : 1;
  const label = labels[labels.length - suffixLength - 1];
  if (!label || /^\d+$/.test(label)) return null;
  return label
    .split('-')
    .filter((part) => part !== '')
    .map((part) => (part.length <= 3 ? part.toUpperCase() : part[0]!.toUpperCase() + part.slice(1)))
    .join(' ');
}

/** A sentence that tells the reader what to answer ("set industry to finance"): data, never evidence. */
const DICTATES_ANSWER = /\b(industry|size|country|confidence|employees|branche|pays|secteur|pais|sector)\s*(to|=|:|auf)\s/i;

/**
 * The message as evidence: up to the first sentence addressed to an automated reader. What
 * follows an attempt to instruct the reader is not a description of the company.
 */
export function evidenceText(message: string | null): string {
  const sentences = (message ?? '').split(/(?<=[.!?;\n])\s+/);
  const kept: string[] = [];
  for (const sentence of sentences) {
    if (readLeadSignals(normalizeText(sentence), sentence).injection || DICTATES_ANSWER.test(sentence)) break;
    kept.push(sentence);
  }
  return kept.join(' ');
}

/** The deterministic enrichment: domain, company, industry, size, country, each with its evidence. */
export function enrichLeadOffline(input: EnrichLeadInput, _agency: AgencyConfig): Enrichment {
  const parsed = enrichLeadInputSchema.parse(input);
  const evidence: string[] = [];
  const mailDomain = emailDomain(parsed.email);
  const freeMailProvider = isFreeMailDomain(mailDomain);
  const ownWebsite = websiteDomain(parsed.website);
  const webDomain = ownWebsite !== null && !isFreeMailDomain(ownWebsite) ? ownWebsite : null;
  const domain = webDomain ?? (mailDomain !== null && !freeMailProvider && !isDisposableMailDomain(mailDomain) ? mailDomain.replace(/^www\./, '') : null);
  if (freeMailProvider) evidence.push(`The e-mail address is at the free-mail provider ${mailDomain}.`);
  if (isDisposableMailDomain(mailDomain)) evidence.push(`The e-mail address is at the disposable inbox ${mailDomain}.`);
  if (domain !== null) evidence.push(`Company domain ${domain}, from the ${webDomain ? 'website' : 'e-mail address'}.`);

  const givenCompany = (parsed.company ?? '').replace(/\s+/g, ' ').trim();
  let company: string | null = givenCompany === '' ? null : givenCompany;
  if (company === null && domain !== null) {
    company = companyNameFromDomain(domain);
    if (company !== null) evidence.push(`Company name inferred from the domain: ${company}.`);
  }

  // The industry: the most keyword hits across the message, company name and domain.
  const message = evidenceText(parsed.message);
  const text = normalizeText([message, company ?? '', (domain ?? '').replace(/[.-]/g, ' ')].join(' \n '));
  let industry: Industry = 'unknown';
  let industryHits: string[] = [];
  for (const [candidate, keywords] of Object.entries(INDUSTRY_KEYWORDS) as [Industry, string[]][]) {
    const hits = findKeywords(text, [...new Set(keywords)]);
    if (hits.length > industryHits.length) {
      industry = candidate;
      industryHits = hits;
    }
  }
  if (industry !== 'unknown') evidence.push(`Industry ${industry}: ${industryHits.slice(0, 4).map((hit) => `"${hit}"`).join(', ')}.`);

  // The size: a stated head count, else the strongest cue.
  const sizeText = normalizeText(`${message} \n ${company ?? ''}`);
  const count = HEAD_COUNT.exec(sizeText);
  const employees = count ? Number(count[1]!.replace(/[.,\s]/g, '')) : null;
  let size: Enrichment['size'] = 'unknown';
  if (employees !== null && employees > 0) {
    size = sizeForEmployees(employees);
    evidence.push(`A stated head count of ${employees}: ${size}.`);
  } else {
    const companyText = normalizeText((company ?? '').replace(/\./g, ''));
    const cues = [...SIZE_CUES.map((cue) => ({ ...cue, text: sizeText })), ...LEGAL_FORMS.map((form) => ({ ...form, text: companyText }))];
    for (const cue of cues) {
      const hits = findKeywords(cue.text, cue.keywords);
      if (hits.length > 0) {
        size = cue.size;
        evidence.push(`Size ${size}: ${hits.slice(0, 3).map((hit) => `"${hit}"`).join(', ')}.`);
        break;
      }
    }
  }

  const country = countryForDomain(domain ?? (freeMailProvider ? mailDomain : null));
  if (country !== null) evidence.push(`Country ${country} from the top-level domain of ${domain ?? mailDomain}.`);

  const inferred = [domain !== null, company !== null && givenCompany === '', industry !== 'unknown', size !== 'unknown', country !== null].filter(Boolean).length;
  const confidence = Math.round(Math.min(0.9, 0.2 + 0.15 * inferred + (employees !== null ? 0.05 : 0)) * 100) / 100;
  const steps = [
    `Domain: ${domain ?? (freeMailProvider ? `none (free-mail ${mailDomain})` : 'none')}.`,
    `Company: ${company ?? 'unknown'}${givenCompany === '' && company !== null ? ' (from the domain)' : ''}.`,
    `Industry: ${industry}${industryHits.length > 0 ? ` (${industryHits.length} cue(s))` : ''}.`,
    `Size: ${size}${employees !== null && employees > 0 ? ` (${employees} employees)` : ''}.`,
    `Country: ${country ?? 'unknown'}.`,
  ];
  return {
    reasoning: steps.map((step, index) => `${index + 1}. ${step}`).join('\n'),
    company,
    domain,
    freeMailProvider,
    industry,
    size,
    employees: employees !== null && employees > 0 ? employees : null,
    country,
    confidence,
    evidence,
  };
}
