import type { AgencyLanguage } from '../../agents/agency-config.js';
import { dateTimeFormat, numberFormat } from '../../lib/intl-formats.js';

/** The fixed words of the e-mails to leads, per language (the agents write the rest). */
export interface MailTexts {
  unsubscribe: (url: string) => string;
  unsubscribeLink: string;
  proposalSubject: (title: string) => string;
  greeting: (name: string | null) => string;
  proposalBody: (title: string, total: string, validUntil: string | null) => string;
  proposalClosing: string;
  pdf: { proposal: string; preparedFor: string; item: string; days: string; rate: string; amount: string; total: string; validUntil: string; page: string };
  unsubscribePage: { title: string; question: string; button: string; done: string; unknown: string };
}

export const MAIL_TEXTS: Record<AgencyLanguage, MailTexts> = {
  de: {
    unsubscribe: (url) => `Sie möchten keine automatischen E-Mails mehr von uns erhalten? Abmelden: ${url}`,
    unsubscribeLink: 'Keine automatischen E-Mails mehr erhalten',
    proposalSubject: (title) => `Unser Angebot: ${title}`,
    greeting: (name) => (name ? `Guten Tag ${name},` : 'Guten Tag,'),
    proposalBody: (title, total, validUntil) =>
      `vielen Dank für Ihr Interesse. Anbei erhalten Sie unser Angebot „${title}“ als PDF.\n\nGesamtbetrag: ${total}${validUntil ? `\nGültig bis: ${validUntil}` : ''}`,
    proposalClosing: 'Antworten Sie einfach auf diese E-Mail, wenn Sie Fragen haben oder den nächsten Schritt planen möchten.',
    pdf: { proposal: 'Angebot', preparedFor: 'Für', item: 'Leistung', days: 'Tage', rate: 'Tagessatz', amount: 'Betrag', total: 'Gesamt', validUntil: 'Gültig bis', page: 'Seite' },
    unsubscribePage: { title: 'Abmelden', question: 'Möchten Sie keine automatischen E-Mails mehr von uns erhalten?', button: 'Abmelden', done: 'Sie sind abgemeldet. Sie erhalten keine automatischen E-Mails mehr von uns.', unknown: 'Dieser Abmeldelink ist unbekannt oder ungültig.' },
  },
  en: {
    unsubscribe: (url) => `Don't want automated e-mails from us any more? Unsubscribe: ${url}`,
    unsubscribeLink: 'Stop automated e-mails',
    proposalSubject: (title) => `Our proposal: ${title}`,
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    proposalBody: (title, total, validUntil) =>
      `Thank you for your interest. Please find our proposal “${title}” attached as a PDF.\n\nTotal: ${total}${validUntil ? `\nValid until: ${validUntil}` : ''}`,
    proposalClosing: 'Simply reply to this e-mail if you have any questions or would like to plan the next step.',
    pdf: { proposal: 'Proposal', preparedFor: 'Prepared for', item: 'Item', days: 'Days', rate: 'Day rate', amount: 'Amount', total: 'Total', validUntil: 'Valid until', page: 'Page' },
    unsubscribePage: { title: 'Unsubscribe', question: 'Stop receiving automated e-mails from us?', button: 'Unsubscribe', done: 'You are unsubscribed. You will not receive automated e-mails from us any more.', unknown: 'This unsubscribe link is unknown or no longer valid.' },
  },
  fr: {
    unsubscribe: (url) => `Vous ne souhaitez plus recevoir nos e-mails automatiques\u00a0? Se désabonner\u00a0: ${url}`,
    unsubscribeLink: 'Ne plus recevoir d’e-mails automatiques',
    proposalSubject: (title) => `Notre proposition\u00a0: ${title}`,
    greeting: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
    proposalBody: (title, total, validUntil) =>
      `merci de votre intérêt. Vous trouverez ci-joint notre proposition «\u00a0${title}\u00a0» au format PDF.\n\nMontant total\u00a0: ${total}${validUntil ? `\nValable jusqu’au\u00a0: ${validUntil}` : ''}`,
    proposalClosing: 'Il vous suffit de répondre à cet e-mail si vous avez des questions ou souhaitez planifier la suite.',
    pdf: { proposal: 'Proposition', preparedFor: 'Pour', item: 'Prestation', days: 'Jours', rate: 'Taux journalier', amount: 'Montant', total: 'Total', validUntil: 'Valable jusqu’au', page: 'Page' },
    unsubscribePage: { title: 'Désabonnement', question: 'Ne plus recevoir nos e-mails automatiques\u00a0?', button: 'Se désabonner', done: 'Vous êtes désabonné(e). Vous ne recevrez plus d’e-mails automatiques de notre part.', unknown: 'Ce lien de désabonnement est inconnu ou n’est plus valable.' },
  },
  es: {
    unsubscribe: (url) => `¿No desea recibir más correos automáticos de nuestra parte? Darse de baja: ${url}`,
    unsubscribeLink: 'No recibir más correos automáticos',
    proposalSubject: (title) => `Nuestra propuesta: ${title}`,
    greeting: (name) => (name ? `Hola, ${name}:` : 'Hola:'),
    proposalBody: (title, total, validUntil) =>
      `Gracias por su interés. Adjuntamos nuestra propuesta «${title}» en PDF.\n\nImporte total: ${total}${validUntil ? `\nVálida hasta: ${validUntil}` : ''}`,
    proposalClosing: 'Basta con responder a este correo si tiene preguntas o quiere planificar el siguiente paso.',
    pdf: { proposal: 'Propuesta', preparedFor: 'Para', item: 'Concepto', days: 'Días', rate: 'Tarifa diaria', amount: 'Importe', total: 'Total', validUntil: 'Válida hasta', page: 'Página' },
    unsubscribePage: { title: 'Darse de baja', question: '¿Dejar de recibir nuestros correos automáticos?', button: 'Darse de baja', done: 'Se ha dado de baja. No recibirá más correos automáticos de nuestra parte.', unknown: 'Este enlace de baja es desconocido o ya no es válido.' },
  },
};

export function formatMoney(amount: number, currency: string, language: AgencyLanguage): string {
  return numberFormat(language, { style: 'currency', currency, maximumFractionDigits: 2 }).format(amount);
}

export function formatDay(isoDate: string, language: AgencyLanguage): string {
  return dateTimeFormat(language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(isoDate));
}
