import { Language, enumValues } from '../entities/enums.js';

export const PAGE_LANGUAGES: readonly Language[] = enumValues(Language);

export function isPageLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (PAGE_LANGUAGES as readonly string[]).includes(value);
}

/**
 * The visitor's language: an explicit choice (`?lang=` or the form's hidden field) first, then
 * the best of Accept-Language by its q values (de-CH counts as de), then English.
 */
export function choosePageLanguage(chosen: unknown, acceptLanguage: string | undefined): Language {
  if (isPageLanguage(chosen)) return chosen;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((entry, position) => {
      const [tag = '', ...parameters] = entry.trim().split(';');
      const qParameter = parameters.map((parameter) => parameter.trim()).find((parameter) => parameter.startsWith('q='));
      const q = qParameter ? Number(qParameter.slice(2)) : 1;
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: Number.isFinite(q) ? q : 0, position };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.position - b.position);
  return ranked.find((entry) => isPageLanguage(entry.primary))?.primary as Language | undefined ?? Language.EN;
}
