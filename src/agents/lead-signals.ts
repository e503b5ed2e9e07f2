import { findKeywords, hasKeyword, normalizeText, wordsOf } from './keyword-matcher.js';

/**
 * What an inbound message says about its sender, whatever the agency: spam, another vendor's
 * pitch, a job application, a student's request, an attempt to instruct an automated reader, or
 * a genuine request. Phrases in German, English, French and Spanish, matched with the keyword
 * matcher. Agency facts (services, sizes, prices) are not here: they live in the agency file.
 */

const SPAM = [
  // Words a genuine request could contain ("abmelden" in a staff portal, a dating or forex app) are not here.
  'casino', 'viagra', 'cialis', 'lottery', 'lotterie', 'jackpot', 'crypto giveaway',
  'bitcoin investment', 'double your money', 'make money fast', 'earn money from home', 'geld verdienen von zuhause',
  'gagner de l argent', 'ganar dinero', 'adult content', 'inheritance fund', 'erbschaft', 'dear beloved', 'barrister',
  'next of kin', 'beneficiary of', 'selected to receive', 'kindly reply with your', 'wire transfer fee', 'western union',
  'click here', 'klicken sie hier', 'cliquez ici', 'haga clic aqui', 'unsubscribe', 'se desinscrire', 'pour ne plus recevoir',
  'repondez stop', 'reply stop', 'darse de baja', 'keine weiteren angebote',
  'guest post', 'gastbeitrag', 'article invite', 'buy followers', 'follower kaufen', 'cheap loans', 'kredit ohne schufa',
  'pret rapide', 'prestamo rapido', 'weight loss', 'abnehmen',
];

/** Another business selling to the agency: strong phrases count two, weaker ones one. */
const VENDOR_STRONG = [
  'we offer', 'we provide', 'we are offering', 'our services', 'our agency offers', 'our company offers', 'dedicated developers',
  'dedicated development team', 'offshore', 'nearshore', 'white label', 'outsourcing partner', 'lead list', 'leads list',
  'email list', 'contact list', 'verified leads', 'b2b leads', 'lead generation service', 'appointment setting',
  'first page of google', 'rank higher', 'increase your traffic', 'free audit', 'free seo audit', 'backlinks for your',
  'hire our developers', 'our hourly rate', 'our rates start',
  'wir bieten ihnen', 'wir bieten', 'unsere dienstleistungen', 'unsere leistungen', 'freie kapazitaten', 'entwicklerkapazitaten',
  'adressliste', 'leads kaufen', 'erste seite bei google', 'mehr traffic', 'kostenloses audit', 'unser stundensatz',
  'nous proposons', 'nous offrons', 'nos services', 'notre agence propose', 'sous traitance', 'marque blanche',
  'fichier de prospects', 'premiere page de google', 'augmenter votre trafic', 'audit gratuit',
  'ofrecemos', 'nuestros servicios', 'nuestra agencia ofrece', 'subcontratacion', 'marca blanca', 'base de datos de contactos',
  'lista de leads', 'primera pagina de google', 'aumentar su trafico', 'auditoria gratuita',
  // Partner programmes, demos and lists of contacts offered to the agency.
  'partner program', 'partner programme', 'partnerprogramm', 'programme partenaire', 'programa de partners', 'programa de socios',
  'book a demo', 'short demo', 'kurze demo', 'termin buchen', 'une demo', 'una demo', 'agencies like yours', 'agenturen wie ihre',
  'agences comme la votre', 'agencias como la suya', 'fichiers de prospection', 'fichier de prospection', 'base de datos actualizada',
  'contactos por solo', 'contacts for only', 'kontakte fur nur', 'more clients for your', 'more customers for your', 'mehr kunden fur ihr',
  'plus de clients pour', 'mas clientes para su', 'conseguir mas clientes', 'developpez votre chiffre', 'extrait gratuit',
  'free sample of', 'special offer', 'sonderangebot', 'offre speciale', 'oferta especial',
];

/** A client asking for people to join its own team (staff augmentation), not for a project the agency delivers. */
const STAFFING = [
  'send cvs', 'send us cvs', 'send profiles', 'suitable candidates', 'candidates by', 'day rates for', 'join our in house team',
  'join our team on site', 'contractors to join', 'body leasing', 'staff augmentation',
  'profile schicken', 'profile senden', 'lebenslaufe der', 'arbeitnehmeruberlassung', 'entwickler in unser team',
  'envoyer des cv', 'mise a disposition de', 'consultants en regie', 'profils de consultants',
  'envien cvs', 'enviar cvs', 'perfiles de', 'cesion de personal', 'incorporar a nuestro equipo',
];
const VENDOR_WEAK = [
  'our team', 'our developers', 'our agency', 'partnership', 'collaboration opportunity', 'your website', 'your business',
  'schedule a call', 'quick call', 'let me know if you are interested', 'unser team', 'unsere agentur', 'partnerschaft',
  'kooperation', 'ihre website', 'ihre webseite', 'notre equipe', 'partenariat', 'votre site', 'nuestro equipo',
  'colaboracion', 'alianza', 'su sitio web', 'su pagina web',
];

const JOB_STRONG = [
  'job application', 'apply for', 'applying for', 'my cv', 'my resume', 'curriculum vitae', 'cover letter', 'internship',
  'open position', 'job opening', 'looking for a job', 'looking for work', 'looking for employment', 'hire me', 'vacancy',
  'bewerbung', 'bewerbe mich', 'initiativbewerbung', 'lebenslauf', 'anschreiben', 'praktikum', 'praktikumsplatz',
  'werkstudent', 'ausbildungsplatz', 'stellenangebot', 'offene stelle',
  'candidature', 'postuler', 'mon cv', 'lettre de motivation', 'stage de', 'un stage', 'alternance', 'offre d emploi',
  'recherche d emploi', 'je recherche un emploi',
  'candidatura', 'mi cv', 'mi curriculum', 'carta de presentacion', 'practicas', 'oferta de empleo', 'busco trabajo',
  'busco empleo', 'vacante',
];
const JOB_WEAK = [
  'position', 'career', 'careers', 'job', 'karriere', 'emploi', 'poste', 'empleo', 'trabajo', 'puesto',
  // An applicant presenting themselves: each says little alone, together they read as an application.
  'years of experience', 'jahre erfahrung', 'jahren erfahrung', 'ans d experience', 'anos de experiencia', 'my portfolio',
  'mein portfolio', 'mon portfolio', 'mi portfolio', 'available immediately', 'ab sofort verfugbar', 'disponible immediatement',
  'disponibilidad inmediata', 'join your team', 'part of your team', 'teil ihres teams', 'teil eures teams', 'rejoindre votre equipe',
  'formar parte del equipo', 'formar parte de vuestro equipo', 'unirme a', 'ich bin entwickler', 'ich bin entwicklerin',
  'je suis developpeur', 'je suis developpeuse', 'soy desarrollador', 'soy desarrolladora', 'i am a developer', 'i m a developer',
];

const STUDENT = [
  'i am a student', 'i m a student', 'im a student', 'student project', 'university project', 'school project', 'thesis',
  'homework', 'assignment for', 'for my studies', 'for my course', 'for my class',
  'ich bin student', 'ich bin studentin', 'studienprojekt', 'bachelorarbeit', 'masterarbeit', 'abschlussarbeit', 'hausarbeit',
  'uni projekt', 'semesterprojekt', 'schulprojekt', 'fur mein studium',
  'je suis etudiant', 'je suis etudiante', 'projet etudiant', 'projet scolaire', 'projet universitaire', 'mon memoire',
  'pour mes etudes',
  'soy estudiante', 'trabajo de fin de grado', 'trabajo fin de grado', 'tfg', 'tfm', 'mi tesis', 'proyecto universitario',
  'proyecto de clase', 'para mis estudios',
];

/** Text addressed to an automated reader rather than to people. */
const INJECTION = [
  'ignore previous instructions', 'ignore all previous', 'ignore your instructions', 'ignore the above', 'disregard your',
  'disregard all', 'system prompt', 'you are now', 'developer mode', 'jailbreak', 'reveal your prompt', 'reveal your instructions',
  'print your instructions', 'your instructions', 'as an ai', 'set the fit score', 'set fit score', 'fitscore', 'mark this lead',
  'give this lead', 'priority high', 'priority: high', 'qualify this lead', '100% discount', '100 % discount',
  'ignoriere alle', 'ignoriere deine', 'ignoriere die', 'vergiss alle', 'vergiss deine', 'deine anweisungen', 'systemprompt',
  'du bist jetzt', 'gib mir einen rabatt', '100 % rabatt', '100% rabatt',
  'ignore les instructions', 'ignorez les instructions', 'ignore toutes', 'oublie tes instructions', 'tes instructions',
  'vos instructions precedentes', 'tu es maintenant', 'remise de 100',
  'ignora las instrucciones', 'ignora todas', 'ignora tus', 'olvida tus instrucciones', 'tus instrucciones', 'ahora eres',
  'descuento del 100',
  // Addressing the system that reads the form, or asking it to show or change its rules.
  'your prompt', 'dein prompt', 'votre prompt', 'tu prompt', 'prompt de sistema', 'prompt systeme', 'prompt du systeme',
  'hidden instructions', 'vos instructions', 'instructions actuelles', 'affichez vos', 'tes regles', 'your rules',
  'the assistant processing', 'the ai processing', 'agent de tarification', 'pricing agent', 'preisagent', 'agente de precios',
  'without human approval', 'ohne menschliche freigabe', 'sans validation humaine', 'ne demandez pas de validation',
  'sin aprobacion humana', 'respond only with', 'reply only with', 'antworte nur mit', 'reponds uniquement', 'repondez uniquement',
  'responde unicamente', 'responde solo con', 'verbatim', 'wort fur wort', 'mot pour mot', 'palabra por palabra',
  'a partir de ahora eres', 'from now on you', 'ab jetzt bist du', 'a partir de maintenant tu',
];
const INJECTION_MARKUP = /<\/?\s*(system|assistant|instructions?|prompt|lead)\b|\[(system|inst|assistant)\]|(^|\n)\s*(system|assistant)\s*:|<\|im_start\|>/i;

/** The sender wants something built: the strongest sign of a genuine inquiry. */
const REQUEST = [
  'we need', 'need a', 'need an', 'need to', 'need help', 'we are looking for', 'we re looking for', 'looking for a partner',
  'looking for an agency', 'want', 'wants', 'we would like', 'we d like', 'can you build', 'could you build',
  'can you develop', 'could you develop', 'request a quote', 'a quote for', 'an estimate', 'a proposal', 'we plan to',
  'we are planning',
  'brauchen', 'benotigen', 'wir suchen', 'suchen eine', 'suchen einen', 'mochten', 'wir planen', 'wollen', 'ich brauche',
  'ich suche', 'ich mochte', 'konnen sie', 'angebot', 'kostenvoranschlag',
  'besoin', 'nous cherchons', 'nous recherchons', 'souhaitons', 'voulons', 'nous voudrions', 'nous aimerions', 'je cherche',
  'je souhaite', 'pourriez vous', 'pouvez vous', 'un devis',
  'necesitamos', 'necesito', 'buscamos', 'queremos', 'nos gustaria', 'quisieramos', 'podrian', 'pueden desarrollar',
  'un presupuesto', 'una cotizacion', 'una propuesta',
];

export interface LeadSignals {
  readonly words: number;
  readonly links: number;
  readonly spamTerms: readonly string[];
  readonly gibberish: boolean;
  readonly vendorScore: number;
  readonly jobScore: number;
  readonly student: boolean;
  readonly staffing: number;
  readonly injection: boolean;
  readonly request: boolean;
}

/** Reads the signals of a message; `text` is normalized, `raw` the original (for links and markup). */
export function readLeadSignals(text: string, raw: string): LeadSignals {
  const words = wordsOf(text);
  return {
    words: words.length,
    links: (raw.match(/https?:\/\/|www\./gi) ?? []).length,
    spamTerms: findKeywords(text, SPAM),
    gibberish: isGibberish(words),
    vendorScore: 2 * findKeywords(text, VENDOR_STRONG).length + findKeywords(text, VENDOR_WEAK).length,
    jobScore: 2 * findKeywords(text, JOB_STRONG).length + findKeywords(text, JOB_WEAK).length,
    student: hasKeyword(text, STUDENT),
    staffing: findKeywords(text, STAFFING).length,
    injection: hasKeyword(text, INJECTION) || INJECTION_MARKUP.test(raw),
    request: hasKeyword(text, REQUEST),
  };
}

const KEYBOARD_RUNS = /(asdf|qwer|yxcv|zxcv|hjkl|uiop|sdfg|fghj|ghjk|xcvb|cvbn|vbnm)/;

/** Keyboard mashing and letter soup: most words unpronounceable. */
function isGibberish(words: readonly string[]): boolean {
  const candidates = words.filter((word) => /^[a-z]+$/.test(word) && word.length >= 4);
  if (candidates.length === 0) return false;
  const odd = candidates.filter(
    (word) => !/[aeiouy]/.test(word) || /[^aeiouy]{6,}/.test(word) || KEYBOARD_RUNS.test(word) || /(.)\1{3,}/.test(word) || /^(\w{2,3})\1{2,}/.test(word),
  );
  return odd.length / candidates.length >= 0.5;
}

/**
 * The message without the sentences addressed to an automated reader: what is left is what the
 * sender actually asks of the agency (often nothing, when the whole message is an attempt).
 */
/** Whether a text addresses an automated reader: a phrase of the injection list or system-message markup. */
export function instructsReader(text: string): boolean {
  return hasKeyword(normalizeText(text), INJECTION) || INJECTION_MARKUP.test(text);
}

/**
 * Words of what a manipulative message asks for itself (a discount, something free, a priority, an
 * approval, the prompt, words in the answer): a phrase with one is never named back to it.
 */
const FAVOURS = [
  'discount', 'rebate', 'free of charge', 'for free', 'priority', 'approve', 'approved', 'approval', 'prompt', 'instruction',
  'instructions', 'answer', 'password', 'existing customer',
  'rabatt', 'nachlass', 'kostenlos', 'gratis', 'prioritat', 'genehmigt', 'genehmigen', 'freigabe', 'freigeben', 'anweisung',
  'anweisungen', 'antwort', 'passwort', 'bestandskunde',
  'remise', 'reduction', 'gratuit', 'gratuite', 'priorite', 'valider', 'validation', 'consigne', 'consignes', 'reponse',
  'mot de passe', 'client fidele',
  'descuento', 'rebaja', 'gratuito', 'prioridad', 'aprobar', 'aprobado', 'aprobacion', 'instruccion', 'instrucciones',
  'respuesta', 'contrasena', 'cliente habitual',
];

export function asksForFavours(text: string): boolean {
  return hasKeyword(normalizeText(text), FAVOURS);
}

export function withoutInstructions(raw: string): string {
  const instructs = instructsReader;
  // Line by line, so lists keep their shape; within a line, sentence by sentence.
  return raw
    .split(/\r?\n/)
    .map((line) =>
      line
        .split(/(?<=[.!?])\s+(?=\p{Lu})/u)
        .filter((sentence) => !instructs(sentence))
        .join(' '),
    )
    .join('\n');
}
