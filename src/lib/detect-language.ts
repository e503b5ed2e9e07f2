import { Language } from '../entities/enums.js';

// Frequent function words: short, distinctive, and present in almost any sentence.
const MARKERS: Record<Language, readonly string[]> = {
  [Language.DE]: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'wir', 'ich', 'sie', 'mit', 'für', 'ein', 'eine', 'auf', 'den', 'dem', 'zu', 'von', 'haben', 'unsere', 'unser', 'bitte', 'möchten', 'brauchen', 'können', 'auch', 'sich', 'guten', 'tag', 'hallo', 'grüße', 'eines', 'einer', 'wie', 'oder'],
  [Language.EN]: ['the', 'and', 'is', 'we', 'i', 'you', 'to', 'of', 'for', 'with', 'a', 'an', 'our', 'are', 'need', 'would', 'like', 'have', 'that', 'this', 'please', 'hello', 'hi', 'thanks', 'regards', 'looking', 'can', 'it', 'on', 'be', 'or'],
  [Language.FR]: ['le', 'la', 'les', 'et', 'est', 'nous', 'je', 'vous', 'pour', 'avec', 'une', 'un', 'des', 'du', 'notre', 'nos', 'sont', 'besoin', 'bonjour', 'merci', 'cordialement', 'souhaitons', 'pourriez', 'dans', 'sur', 'pas', 'qui', 'que', 'ou', 'au', 'aux'],
  [Language.ES]: ['el', 'la', 'los', 'las', 'y', 'es', 'nosotros', 'yo', 'usted', 'para', 'con', 'una', 'un', 'del', 'nuestro', 'nuestra', 'son', 'necesitamos', 'hola', 'gracias', 'saludos', 'queremos', 'podrían', 'en', 'por', 'que', 'no', 'se', 'o', 'al', 'muy'],
};

const ACCENT_HINTS: Record<Language, RegExp> = {
  [Language.DE]: /[äöüß]/g,
  [Language.EN]: /(?!)/g,
  [Language.FR]: /[àâçèéêëîïôœùûÿ]/g,
  [Language.ES]: /[ñáíóú¿¡]/g,
};

/**
 * The evidence for each language: frequent function words count one, typical characters half.
 * Exposed so that callers can judge how sure the guess is (the intake agent's confidence).
 */
export function languageScores(text: string): Record<Language, number> {
  const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  const scores = {} as Record<Language, number>;
  for (const language of Object.values(Language)) {
    const markers = new Set(MARKERS[language]);
    const wordScore = words.filter((word) => markers.has(word)).length;
    const accentScore = (text.toLowerCase().match(ACCENT_HINTS[language]) ?? []).length * 0.5;
    scores[language] = wordScore + accentScore;
  }
  return scores;
}

/**
 * Guesses which of the four languages a text is written in by counting frequent function words
 * and characters typical of each. Falls back to English when nothing stands out.
 */
export function detectLanguage(text: string): Language {
  let best: Language = Language.EN;
  let bestScore = 0;
  for (const [language, score] of Object.entries(languageScores(text)) as [Language, number][]) {
    if (score > bestScore) {
      best = language;
      bestScore = score;
    }
  }
  return best;
}
