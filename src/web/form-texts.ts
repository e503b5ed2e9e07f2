import { Language } from '../entities/enums.js';

export const BUDGET_CHOICES = ['under_5k', '5k_15k', '15k_50k', 'over_50k', 'not_sure'] as const;
export type BudgetChoice = (typeof BUDGET_CHOICES)[number];

export const TIMELINE_CHOICES = ['asap', 'within_3_months', '3_to_6_months', 'later', 'not_sure'] as const;
export type TimelineChoice = (typeof TIMELINE_CHOICES)[number];

/**
 * A budget range becomes the lead's budget as its upper end (what the qualification compares
 * with the minimum project size); open-ended and "not sure" keep what can honestly be said.
 */
export const BUDGET_AMOUNTS: Record<BudgetChoice, number | null> = {
  under_5k: 5_000,
  '5k_15k': 15_000,
  '15k_50k': 50_000,
  over_50k: 50_000,
  not_sure: null,
};

/** Timelines are stored in English, whatever the page's language, so every lead reads alike. */
export const TIMELINE_STORED: Record<TimelineChoice, string | null> = {
  asap: 'as soon as possible',
  within_3_months: 'within 3 months',
  '3_to_6_months': 'in 3 to 6 months',
  later: 'later than 6 months',
  not_sure: null,
};

export interface FormTexts {
  readonly languageName: string;
  readonly languageNav: string;
  readonly title: string;
  readonly intro: string;
  readonly required: string;
  readonly optional: string;
  readonly name: string;
  readonly email: string;
  readonly company: string;
  readonly website: string;
  readonly websiteHint: string;
  readonly message: string;
  readonly messageHint: string;
  readonly budget: string;
  readonly budgetChoices: Record<BudgetChoice, string>;
  readonly timeline: string;
  readonly timelineChoices: Record<TimelineChoice, string>;
  readonly choose: string;
  readonly consent: string;
  /** The consent's name in the error summary (its label is a sentence). */
  readonly consentName: string;
  readonly honeypot: string;
  readonly submit: string;
  readonly errorSummary: string;
  readonly errors: {
    readonly nameRequired: string;
    readonly emailRequired: string;
    readonly emailInvalid: string;
    readonly messageRequired: string;
    readonly consentRequired: string;
    readonly invalidChoice: string;
    readonly tooLong: (max: number) => string;
    readonly invalid: string;
  };
  readonly thanksTitle: string;
  readonly thanksBody: string;
  readonly thanksBack: string;
  readonly tooManyTitle: string;
  readonly tooManyBody: (minutes: number) => string;
  readonly failedTitle: string;
  readonly failedBody: string;
}

export const FORM_TEXTS: Record<Language, FormTexts> = {
  [Language.EN]: {
    languageName: 'English',
    languageNav: 'Language',
    title: 'Tell us about your project',
    intro: 'Describe what you need and we will get back to you, usually within one working day.',
    required: 'required',
    optional: 'optional',
    name: 'Your name',
    email: 'E-mail address',
    company: 'Company',
    website: 'Website',
    websiteHint: 'For example example.com',
    message: 'What do you need?',
    messageHint: 'The problem, the people who use it, what exists today.',
    budget: 'Budget range',
    budgetChoices: { under_5k: 'under €5,000', '5k_15k': '€5,000 to €15,000', '15k_50k': '€15,000 to €50,000', over_50k: 'over €50,000', not_sure: 'not sure yet' },
    timeline: 'Timeline',
    timelineChoices: { asap: 'as soon as possible', within_3_months: 'within 3 months', '3_to_6_months': 'in 3 to 6 months', later: 'later than 6 months', not_sure: 'not sure yet' },
    choose: 'Please choose',
    consent: 'I agree to be contacted about this enquiry. My details are used only for that.',
    consentName: 'Consent',
    honeypot: 'Leave this field empty',
    submit: 'Send enquiry',
    errorSummary: 'Please correct the following:',
    errors: {
      nameRequired: 'Please enter your name.',
      emailRequired: 'Please enter your e-mail address.',
      emailInvalid: 'Please enter a valid e-mail address, such as jane@example.com.',
      messageRequired: 'Please tell us what you need.',
      consentRequired: 'Please agree to be contacted, otherwise we cannot answer.',
      invalidChoice: 'Please choose one of the options.',
      tooLong: (max) => `Please use at most ${max} characters.`,
      invalid: 'Please check this field.',
    },
    thanksTitle: 'Thank you!',
    thanksBody: 'We have received your enquiry and will get back to you soon.',
    thanksBack: 'Send another enquiry',
    tooManyTitle: 'Too many enquiries',
    tooManyBody: (minutes) => `We received several enquiries from your connection in a short time. Please try again in about ${minutes} minute(s).`,
    failedTitle: 'Something went wrong',
    failedBody: 'Your enquiry could not be saved. Please try again in a moment.',
  },
  [Language.DE]: {
    languageName: 'Deutsch',
    languageNav: 'Sprache',
    title: 'Erzählen Sie uns von Ihrem Projekt',
    intro: 'Beschreiben Sie, was Sie brauchen. Wir melden uns, meist innerhalb eines Werktags.',
    required: 'Pflichtfeld',
    optional: 'optional',
    name: 'Ihr Name',
    email: 'E-Mail-Adresse',
    company: 'Firma',
    website: 'Website',
    websiteHint: 'Zum Beispiel example.com',
    message: 'Was brauchen Sie?',
    messageHint: 'Das Problem, wer es nutzt, was es heute schon gibt.',
    budget: 'Budgetrahmen',
    budgetChoices: { under_5k: 'unter 5.000 €', '5k_15k': '5.000 € bis 15.000 €', '15k_50k': '15.000 € bis 50.000 €', over_50k: 'über 50.000 €', not_sure: 'noch unklar' },
    timeline: 'Zeitrahmen',
    timelineChoices: { asap: 'so bald wie möglich', within_3_months: 'innerhalb von 3 Monaten', '3_to_6_months': 'in 3 bis 6 Monaten', later: 'später als in 6 Monaten', not_sure: 'noch unklar' },
    choose: 'Bitte wählen',
    consent: 'Ich bin einverstanden, zu dieser Anfrage kontaktiert zu werden. Meine Angaben werden nur dafür verwendet.',
    consentName: 'Einwilligung',
    honeypot: 'Dieses Feld bitte leer lassen',
    submit: 'Anfrage senden',
    errorSummary: 'Bitte korrigieren Sie Folgendes:',
    errors: {
      nameRequired: 'Bitte geben Sie Ihren Namen ein.',
      emailRequired: 'Bitte geben Sie Ihre E-Mail-Adresse ein.',
      emailInvalid: 'Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel jana@example.com.',
      messageRequired: 'Bitte beschreiben Sie, was Sie brauchen.',
      consentRequired: 'Bitte stimmen Sie der Kontaktaufnahme zu, sonst können wir nicht antworten.',
      invalidChoice: 'Bitte wählen Sie eine der Möglichkeiten.',
      tooLong: (max) => `Bitte höchstens ${max} Zeichen.`,
      invalid: 'Bitte prüfen Sie dieses Feld.',
    },
    thanksTitle: 'Vielen Dank!',
    thanksBody: 'Wir haben Ihre Anfrage erhalten und melden uns bald bei Ihnen.',
    thanksBack: 'Eine weitere Anfrage senden',
    tooManyTitle: 'Zu viele Anfragen',
    tooManyBody: (minutes) => `Von Ihrer Verbindung kamen in kurzer Zeit mehrere Anfragen. Bitte versuchen Sie es in etwa ${minutes} Minute(n) erneut.`,
    failedTitle: 'Etwas ist schiefgegangen',
    failedBody: 'Ihre Anfrage konnte nicht gespeichert werden. Bitte versuchen Sie es gleich noch einmal.',
  },
  [Language.FR]: {
    languageName: 'Français',
    languageNav: 'Langue',
    title: 'Parlez-nous de votre projet',
    intro: 'Décrivez votre besoin : nous vous répondons, en général sous un jour ouvré.',
    required: 'obligatoire',
    optional: 'facultatif',
    name: 'Votre nom',
    email: 'Adresse e-mail',
    company: 'Entreprise',
    website: 'Site web',
    websiteHint: 'Par exemple example.com',
    message: 'De quoi avez-vous besoin ?',
    messageHint: 'Le problème, qui l’utilise, ce qui existe aujourd’hui.',
    budget: 'Fourchette de budget',
    budgetChoices: { under_5k: 'moins de 5 000 €', '5k_15k': '5 000 € à 15 000 €', '15k_50k': '15 000 € à 50 000 €', over_50k: 'plus de 50 000 €', not_sure: 'pas encore défini' },
    timeline: 'Délai',
    timelineChoices: { asap: 'dès que possible', within_3_months: 'd’ici 3 mois', '3_to_6_months': 'dans 3 à 6 mois', later: 'dans plus de 6 mois', not_sure: 'pas encore défini' },
    choose: 'Veuillez choisir',
    consent: 'J’accepte d’être contacté au sujet de cette demande. Mes données ne servent qu’à cela.',
    consentName: 'Consentement',
    honeypot: 'Laissez ce champ vide',
    submit: 'Envoyer la demande',
    errorSummary: 'Veuillez corriger les points suivants :',
    errors: {
      nameRequired: 'Veuillez saisir votre nom.',
      emailRequired: 'Veuillez saisir votre adresse e-mail.',
      emailInvalid: 'Veuillez saisir une adresse e-mail valide, par exemple jeanne@example.com.',
      messageRequired: 'Veuillez décrire votre besoin.',
      consentRequired: 'Veuillez accepter d’être contacté, sinon nous ne pouvons pas répondre.',
      invalidChoice: 'Veuillez choisir l’une des options.',
      tooLong: (max) => `${max} caractères au maximum, s’il vous plaît.`,
      invalid: 'Veuillez vérifier ce champ.',
    },
    thanksTitle: 'Merci !',
    thanksBody: 'Nous avons bien reçu votre demande et vous répondrons rapidement.',
    thanksBack: 'Envoyer une autre demande',
    tooManyTitle: 'Trop de demandes',
    tooManyBody: (minutes) => `Nous avons reçu plusieurs demandes de votre connexion en peu de temps. Veuillez réessayer dans environ ${minutes} minute(s).`,
    failedTitle: 'Une erreur est survenue',
    failedBody: 'Votre demande n’a pas pu être enregistrée. Veuillez réessayer dans un instant.',
  },
  [Language.ES]: {
    languageName: 'Español',
    languageNav: 'Idioma',
    title: 'Cuéntenos su proyecto',
    intro: 'Describa lo que necesita y le responderemos, normalmente en un día laborable.',
    required: 'obligatorio',
    optional: 'opcional',
    name: 'Su nombre',
    email: 'Correo electrónico',
    company: 'Empresa',
    website: 'Sitio web',
    websiteHint: 'Por ejemplo example.com',
    message: '¿Qué necesita?',
    messageHint: 'El problema, quién lo usa, qué existe hoy.',
    budget: 'Rango de presupuesto',
    budgetChoices: { under_5k: 'menos de 5.000 €', '5k_15k': 'de 5.000 € a 15.000 €', '15k_50k': 'de 15.000 € a 50.000 €', over_50k: 'más de 50.000 €', not_sure: 'aún no lo sé' },
    timeline: 'Plazo',
    timelineChoices: { asap: 'lo antes posible', within_3_months: 'en los próximos 3 meses', '3_to_6_months': 'en 3 a 6 meses', later: 'en más de 6 meses', not_sure: 'aún no lo sé' },
    choose: 'Elija una opción',
    consent: 'Acepto que me contacten sobre esta consulta. Mis datos solo se usan para ello.',
    consentName: 'Consentimiento',
    honeypot: 'Deje este campo vacío',
    submit: 'Enviar consulta',
    errorSummary: 'Corrija lo siguiente:',
    errors: {
      nameRequired: 'Introduzca su nombre.',
      emailRequired: 'Introduzca su correo electrónico.',
      emailInvalid: 'Introduzca un correo electrónico válido, por ejemplo ana@example.com.',
      messageRequired: 'Cuéntenos qué necesita.',
      consentRequired: 'Acepte que le contactemos; de lo contrario no podemos responder.',
      invalidChoice: 'Elija una de las opciones.',
      tooLong: (max) => `Como máximo ${max} caracteres.`,
      invalid: 'Revise este campo.',
    },
    thanksTitle: '¡Gracias!',
    thanksBody: 'Hemos recibido su consulta y le responderemos pronto.',
    thanksBack: 'Enviar otra consulta',
    tooManyTitle: 'Demasiadas consultas',
    tooManyBody: (minutes) => `Hemos recibido varias consultas desde su conexión en poco tiempo. Inténtelo de nuevo en unos ${minutes} minuto(s).`,
    failedTitle: 'Algo ha salido mal',
    failedBody: 'No se pudo guardar su consulta. Inténtelo de nuevo en un momento.',
  },
};
