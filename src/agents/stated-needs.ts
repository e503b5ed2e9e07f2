import { normalizeText, wordsOf } from './keyword-matcher.js';
import { withoutInstructions } from './lead-signals.js';

/**
 * The needs a lead states in its own words: the items of its lists ("1.", "a)", "-", "•") and,
 * when there is no list, the objects of its "we need / wir möchten / nous souhaitons / queremos"
 * sentences; each cut into short phrases. A proposal that names them back shows the lead it was
 * read. Only safe text survives: no sentence that instructs the reader, no link, e-mail address,
 * amount or percentage, and no phrase long enough to copy the message (seven words at most).
 */

const MAX_WORDS = 7;
const MAX_NEEDS = 12;

const LIST_ITEM = /^\s*(?:\d{1,2}[.)]|[a-hA-H][.)]|[-•*–·▪●])\s+(.+)$/;

/** Verbs that introduce what the sender wants, in the four languages (normalised, accent-free). */
const NEED_VERB =
  /\b(?:we need|we want|we would like|we d like|we are looking for|we require|looking for|to build|to develop|to create|ideally|brauchen|benotigen|mochten|wollen|wunschen uns|suchen|planen|zu entwickeln|zu bauen|idealerweise|besoin d|souhaitons|voulons|aimerions|recherchons|cherchons|developper|creer|idealement|necesitamos|queremos|buscamos|nos gustaria|quisieramos|desarrollar|crear|idealmente)\b/g;

/** Words that make the subject before them the need: "confidentiality is critical". */
const NEED_AFTER = /\b(?:is critical|is essential|is important|ist wichtig|ist entscheidend|est essentiel|est critique|est importante?|es critica|es esencial|es importante)\b/;

/** Words a phrase should not start or end with. */
const EDGE_WORDS = new Set(
  'a an the and or with for of to in on our your we und oder mit fur von zu im in am an der die das den dem des ein eine einen einem unsere unser unseren ihre et ou avec pour de du des la le les un une nos notre y o con para por el la los las un una unos unas nuestro nuestra nuestros'.split(' '),
);

const accentFree = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const FORBIDDEN = /https?:\/\/|www\.|@|\d+\s*%|[€$£]|\b\d[\d.,]*\s*(?:k|eur|euro|euros|usd|chf|gbp|tsd|mil)\b/i;

function strip(text: string): string {
  // Markdown and quote marks of the lead's own never reach the proposal's Markdown.
  return text.replace(/[*_`#>|[\]{}<>"“”„«»]/g, '').replace(/\s+/g, ' ').trim();
}

/** Splits at commas, semicolons, dashes and colons outside parentheses, and at " and / und / et / y ". */
function fragments(item: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of item) {
    if (char === '(') depth += 1;
    if (char === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && /[,;:–—]/.test(char)) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts
    .flatMap((part) => part.split(/(?<=[.!?])\s+/))
    .flatMap((part) => part.split(/\s+(?:and|und|sowie|et|y|e)\s+/i))
    .map((part) => part.trim());
}

/** Possessives say nothing about the need ("log their hours" is "log hours"); dropped inside a phrase. */
const POSSESSIVES = new Set('our their your my his its unser unsere unserer unseren unserem ihr ihre ihren ihrem notre nos leur leurs votre vos mon ma mes nuestro nuestra nuestros nuestras su sus mi mis'.split(' '));

function tidy(phrase: string, minWords: number): string | null {
  const words = strip(phrase)
    .split(' ')
    .filter((word) => word && !POSSESSIVES.has(accentFree(word)));
  const edge = (word: string) => EDGE_WORDS.has(accentFree(word).replace(/[.!?]$/, ''));
  while (words.length > 0 && edge(words[0]!)) words.shift();
  while (words.length > 0 && edge(words[words.length - 1]!)) words.pop();
  // Counted as the copy check counts them: "E-Mail" and "n'est" are two words each.
  // Too long: the inner little words go first ("integration with case management system (Clio)"
  // keeps its last, telling word), then words from the end.
  let kept = [...words];
  const count = () => wordsOf(normalizeText(kept.join(' '))).length;
  for (let index = kept.length - 2; count() > MAX_WORDS && index > 0; index -= 1) {
    if (EDGE_WORDS.has(accentFree(kept[index]!))) kept.splice(index, 1);
  }
  kept = kept.slice(0, MAX_WORDS);
  while (kept.length > 1 && count() > MAX_WORDS) kept.pop();
  while (kept.length > 0 && edge(kept[kept.length - 1]!)) kept.pop();
  // A parenthesis cut open by the word limit is closed or dropped.
  let text = kept.join(' ').replace(/[.!?]+$/, '');
  if ((text.match(/\(/g) ?? []).length > (text.match(/\)/g) ?? []).length) text = text.replace(/\s*\([^)]*$/, '');
  if (text.replace(/[^\p{L}]/gu, '').length < 3 || text.split(' ').length < minWords) return null;
  return text.charAt(0).toUpperCase() + text.slice(1);
}


/** The sentence's need: what follows its last need verb, or the subject of "… is critical". */
function needOf(sentence: string): { text: string; subject: boolean } | null {
  const plain = accentFree(sentence);
  const verbs = [...plain.matchAll(NEED_VERB)];
  const last = verbs[verbs.length - 1];
  if (last) {
    const rest = sentence.slice(last.index + last[0].length).trim();
    if (rest.length > 0) return { text: rest, subject: false };
  }
  const after = NEED_AFTER.exec(plain);
  return after ? { text: sentence.slice(0, after.index), subject: true } : null;
}

export function statedNeeds(message: string): string[] {
  const safe = withoutInstructions(message);
  const sources: { text: string; listed: boolean }[] = [];
  for (const line of safe.split(/\r?\n/)) {
    const item = LIST_ITEM.exec(line)?.[1];
    if (item) {
      sources.push({ text: item, listed: true });
      continue;
    }
    // Prose: the sentences that say what is wanted.
    for (const sentence of line.split(/(?<=[.!?])\s+/)) {
      const need = needOf(sentence);
      if (need) sources.push({ text: need.text, listed: need.subject });
    }
  }
  const needs: string[] = [];
  for (const source of sources) {
    // A link, an address or a figure taints the whole item: it is not split into harmless-looking parts.
    if (FORBIDDEN.test(source.text)) continue;
    const parts = fragments(source.text);
    // A phrase from a list, or from an enumeration in prose, may be one word ("refunds"); otherwise two.
    const minWords = source.listed || parts.length >= 3 ? 1 : 2;
    for (const fragment of parts) {
      if (FORBIDDEN.test(fragment)) continue;
      const phrase = tidy(fragment, minWords);
      if (phrase && !needs.some((need) => need.toLowerCase() === phrase.toLowerCase())) needs.push(phrase);
      if (needs.length >= MAX_NEEDS) return needs;
    }
  }
  return needs;
}
