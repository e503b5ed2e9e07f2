import { normalizeText, wordsOf } from './keyword-matcher.js';
import { instructsReader, withoutInstructions } from './lead-signals.js';

/**
 * The needs a lead states in its own words: the items of its lists ("1.", "a)", "-", "•"), the
 * items of an enumeration after a colon in prose ("the idea: listings, search, messaging"), the
 * objects of its "we need / wir möchten / nous souhaitons / queremos" sentences, and the problems
 * it names ("keeps failing on bundles", "we write quotes by hand"); each cut into short phrases. A
 * proposal that names them back shows the lead it was read. Only safe text survives: no sentence
 * that instructs the reader, no link, e-mail address, amount or percentage, and no phrase long
 * enough to copy the message (seven words at most).
 */

const MAX_WORDS = 7;
const MAX_NEEDS = 24;

// A capital letter with a full stop is an initial ("B. Kowalski" signs the message), not an item: "A)" or "a." is.
const LIST_ITEM = /^\s*(?:\d{1,2}[.)]|[a-h][.)]|[A-H]\)|[-•*–·▪●])\s+(.+)$/;

/** People who use what is built, in the plural (accent-free): what they would do or must be able to do is a need. */
// Words ending in "s" that are no plural of people are excluded up front.
const PEOPLE =
  '\\b(?!(?:this|his|its|us|is|was|has|does|process|business|status|access|address|class|news|analysis|always|perhaps|sometimes|plus|tous|nous|vous|sans|tres|mas|menos|ellos|ellas|nosotros|vosotros|ustedes|elles|ils|les|des|mes|tes|ses|nos|vos|los|las|sus|mis|tus)\\b)(?:\\w{3,}s|kunden|nutzer|nutzerinnen|mitarbeiter|mitarbeitende|mitarbeitenden|fahrer|patienten|besucher|mieter|techniker|monteure|mitglieder|eltern|schuler|gaste|handler|teilnehmer|\\w+eux|\\w+aux)';

/**
 * Words that introduce what the sender wants, in the four languages (normalised, accent-free,
 * apostrophes as spaces); the need is what follows the last of them in a sentence.
 */
const NEED_VERBS = [
  // Asking for it.
  'we need', 'we want', 'we would like', 'we d like', 'we are looking for', 'we re looking for', 'we require', 'looking for',
  'we re after', 'we are after', 'we would need', 'we d need', 'to build', 'to develop', 'to create', 'ideally',
  'can you build', 'could you build', 'can you develop', 'could you develop', 'can you create', 'asking for', 'ask us for',
  'brauchen', 'benotigen', 'brauchten', 'benotigten', 'mochten', 'wollen', 'wunschen uns', 'wunschen sich', 'hatten gerne?',
  'wurden gerne', 'suchen', 'planen', 'zu entwickeln', 'zu bauen', 'idealerweise', 'fragen nach',
  // The same wish of one writer, or in the conditional: "ich bräuchte", "ich hätte gern", "das sollte".
  'brauche', 'brauchte', 'benotige', 'mochte', 'hatte gerne?', 'wurde gerne', 'sollte', 'sollten', 'musste', 'mussten',
  'besoin d', 'nous aurions besoin d', 'souhaitons', 'nous souhaiterions', 'je souhaiterais', 'voulons', 'nous voudrions',
  'on voudrait', 'aimerions', 'on aimerait', 'j aimerais', 'recherchons', 'cherchons', 'developper', 'creer', 'idealement',
  'il faut', 'il nous faut', 'il nous faudrait', 'il faudrait', 'nous demandent', 'devrait', 'devraient',
  'necesitamos', 'necesitariamos', 'necesito', 'queremos', 'querriamos', 'buscamos', 'nos gustaria', 'me gustaria',
  'quisieramos', 'nos interesaria', 'desarrollar', 'crear', 'idealmente', 'hace falta', 'nos hace falta', 'nos haria falta',
  'nos piden', 'podriais desarrollar', 'podrian desarrollar', 'pueden desarrollar', 'podeis desarrollar',
  'necesitaria', 'necesitarian', 'necesitan', '(?<!si )quiere', '(?<!si )quieren', 'habria que', 'tendria que', 'tendrian que',
  // The same wish in the first person singular, as one owner or manager writes it.
  'i need', 'i want', 'i would like', 'i d like', 'i m after', 'i am after', 'i m looking for', 'i am looking for',
  // Asked for without saying who asks: "Gesucht wird eine Lösung".
  'gesucht wird', 'gesucht werden', 'gesucht ist',
  // Its goal.
  'the goal is to', 'the aim is to', 'ziel ist', 'l objectif est de', 'l objectif est', 'notre objectif est', 'el objetivo es',
  'nuestro objetivo es', 'the idea is', 'die idee ist', 'l idee est', 'l idee serait', 'la idea es', 'la idea seria',
  // What should, must or would better be possible.
  'should be able to', 'must be able to', 'need to be able to', 'should', 'must', 'sollen', 'soll', 'mussen', 'muss',
  'moglich sein', 'doivent pouvoir', 'doit pouvoir', 'doivent', 'doit', 'devra', 'devront', 'deben poder', 'debe poder',
  'deben', 'debe', 'debera', 'deberan', 'ware (?:schon|toll|gut|super|ideal) wenn',
  'has to', 'have to', 'needs to', 'need to', 'be able to', 'puissent', 'puisse', 'puedan', 'pueda', 'podamos',
  // What the people who will use it would do: "visitors would scan a code", "die Fahrer könnten".
  `(?<=${PEOPLE} )(?:would|could|konnten|wurden|konnen|pourraient|pourront|peuvent|podrian|podran|pueden)`,
  '(?:schon|toll|super|gut|ideal|praktisch|hilfreich|wunschenswert) ware', '(?:it )?would be (?:good|nice|great|ideal|useful|helpful) to',
  '(?:it )?would help to', 'nos vendria bien', 'vendria bien', 'nos ayudaria', 'nous aiderait d', 'it would be (?:great|nice|good|ideal) if',
  'would be (?:great|nice|good|ideal) if', '(?:ce )?serait (?:bien|ideal|utile) (?:que|si|d avoir)',
  'seria (?:interesante|genial|bueno|ideal) (?:que|tener|poder)', 'estaria bien (?:que|tener|poder)',
  // What it weighs (see WEIGHS): important, optional, nice to have.
  'uns ist wichtig', 'ist uns wichtig', 'wichtig ist uns', 'wichtig fur uns', 'zusatzlich', 'important for us', 'important to us',
  'nice to have', 'must have', 'optional', 'important pour nous', 'l essentiel est', 'en option', 'es clave',
  'importante para nosotros', 'opcional',
];
const NEED_VERB = new RegExp(`\\b(?:${NEED_VERBS.join('|')})\\b`, 'g');

/**
 * A problem the sender names, whose object follows: "keeps failing on bundles", "Probleme mit
 * Doppelbuchungen". The phrase starts at the marker, so the problem is named with its object.
 */
const PROBLEM_BEFORE_OBJECT =
  /\b(?:i m done|we re done|fed up with|sick of|tired of|hart[oa]s? de|(?:en )?(?:avons |ai )?marre de|die nase voll von|keeps? failing on|fails on|failing on|breaks on|keeps? breaking|struggl(?:e|es|ing) with|problems? with|issues? with|probleme mit|probleme bei|schwierigkeiten mit|scheitert an|problemes? avec|problemes? de|difficultes avec|plante sur|problemas? con|problemas? de|dificultades con|falla con|falla en|fallos en|errores en)\b/;

/**
 * A problem named after what it concerns: "we write the quotes by hand", "der Shop ist zu langsam",
 * "des fichiers Excel qui deviennent ingérables". The clause that holds it is the phrase.
 */
const PROBLEM_AFTER_SUBJECT =
  /\b(?:(?:are|is) (?:a )?(?:total |complete )?mess|chaotic|nightmare|(?:ein|das reinste) (?:chaos|durcheinander)|chaotisch|(?:le |un )?(?:bazar|chaos|cauchemar)|(?:un |el )?(?:caos|desastre|lio)|by hand|manually|on paper|lose track|losing track|lost track|whiteboard|still done|verlieren den uberblick|noch immer|tableau blanc|se fait encore|perdons le fil|se nos escapan|se escapan|pizarra|todavia se hace|outdated|crashes|keeps crashing|no overview|double[ -]?book(?:s|ed|ing|ings)?|veraltet|absturzt|sturzt (?:\w+ )?ab|keinen uberblick|doppelbuchungen|obsolete|plante|aucune visibilite|doubles? reservations?|obsoleto|se cuelga|no tenemos visibilidad|reservas duplicadas|paper forms|re[ -]?enter(?:ed|s)?|re[ -]?type[sd]?|takes up|taking up|ties up|tie up|tying up|auf papier|auf zetteln|per zettel|abgetippt|abtippen|sur papier|ressaisie?s?|en papel|a papel|too slow|is slow|error prone|time consuming|takes (?:us )?(?:hours|days|weeks)|unmanageable|von hand|per hand|handisch|manuell|zu langsam|ziemlich langsam|sehr langsam|fehleranfallig|zeitaufwendig|aufwendig|muhsam|unubersichtlich|a la main|manuellement|trop lente?s?|tres lente?s?|ingerables?|chronophages?|fastidieux|a mano|manualmente|muy lent[oa]s?|inmanejables?|tardamos (?:horas|dias|semanas)|nos lleva (?:horas|dias)|propenso a errores|tedioso|overbooking|(?:is|are) still \w+ (?:via|by|through|in|on|with|using|over|from)|(?:wird|werden) (?:noch|immer noch) (?:\w+ )?(?:per|uber|mit|in|auf|von)|(?:est|sont) (?:encore|toujours) \w+ (?:par|via|sur|avec|dans|a)|(?:se )?(?:sigue|siguen) \w+ndo|todavia se \w+ (?:por|con|en|a)|(?:in|en|dans|auf) (?:an? |un |una |einer |einem |unserer |meiner )?(?:excel|spreadsheets?|hojas? de calculo|tableurs?|google sheets?))\b/;

/** Words that make the subject before them the need: "confidentiality is critical". */
const NEED_AFTER = /\b(?:matters? (?:a (?:great deal|lot) |very much |most )?to us|liegt uns (?:sehr )?am herzen|compte (?:beaucoup )?pour nous|nos importa(?: mucho)?|is critical|is essential|is important|is a must|ist wichtig|ist entscheidend|ist unverzichtbar|ist ein muss|est essentiel(?:le)?|est critique|est importante?|est indispensable|es critica|es esencial|es importante|es imprescindible|would be nice|would be great|would be a plus|ware schon|ware toll|ware super|ware gut|serait bien|serai(?:en)?t (?:un |une )?(?:vrai |gros |reel )?(?:plus|atout)|serait ideal|would be a (?:real |big |nice )?(?:plus|bonus)|ware ein (?:echtes |grosses )?plus|serian? un (?:gran )?plus|seria genial|seria ideal|estaria bien|ware ideal|ware wunschenswert|would be ideal|would be a (?:godsend|lifesaver|life saver|game changer))\b/;

/** Words a phrase should not start or end with. */
const EDGE_WORDS = new Set(
  'a an the and or with for of to in on our your we us uns dass also auch aussi tambien ademas außerdem ausserdem und oder mit fur von zu im in am an der die das den dem des ein eine einen einem einer eines unsere unser unseren ihre et ou avec pour de du des la le les un une nos notre y o con para por el la los las un una unos unas nuestro nuestra nuestros that which who where qui que ou donde wo noch zudem dazu wenn falls c est be sein etre ser estar is ist es en del al au aux dans sur zum zur beim vom into from by at as so too then dann puis luego wir nous ich je i have avoir tener inkl incl including einschliesslich inclus incluido incluida it they ils elles ellos etc usw hasta until via'.split(' '),
);

// Apostrophes read as spaces ("we'd like" as "we d like", "j'aimerais" as "j aimerais"); one character for one, so indexes still fit the sentence.
const accentFree = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').replace(/['’`]/g, ' ').toLowerCase();

// An e-mail address or a handle, not any "@" ("Cl@ve" is the name of a login service).
const FORBIDDEN = /https?:\/\/|www\.|[\w.+-]+@[\w-]+\.\w|(?:^|\s)@\w|\d+\s*%|[€$£]|\b\d[\d.,]*\s*(?:k|eur|euro|euros|usd|chf|gbp|tsd|mil)\b/i;

function strip(text: string): string {
  // Markdown and quote marks of the lead's own never reach the proposal's Markdown.
  return text.replace(/[*_`#>|[\]{}<>"“”„«»]/g, '').replace(/\s+/g, ' ').trim();
}

/** Abbreviations whose full stop ends no sentence ("inkl. Versand", "ca. 20 Leute", "e.g. Stripe"). */
const ABBREVIATION = /(?:^|[\s(])(?:inkl|z\.\s?b|ca|bzw|usw|evtl|ggf|etc|e\.g|i\.e|approx|incl|vs|env|cf|p\.\s?ej|aprox|ej|sr|sra|dr|nr|no)\.$/i;

/** The sentences of a text: split after ".", "!" or "?" and a space, but not after an abbreviation. */
function sentencesOf(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(/(?<=[.!?])\s+/g)) {
    const before = text.slice(start, match.index);
    // "…, pintadas, etc. Hoy llegan por teléfono": "etc." closes a list, and often the sentence with it.
    const closesSentence = /\betc\.$/i.test(before) && /^\p{Lu}/u.test(text.slice(match.index + match[0].length));
    if (ABBREVIATION.test(before) && !closesSentence) continue;
    sentences.push(text.slice(start, match.index));
    start = match.index + match[0].length;
  }
  sentences.push(text.slice(start));
  return sentences;
}

/** Language names in the four languages (accent-free): a run of them is one need, several languages. */
const LANGUAGE_NAME =
  '(?:english|englisch|anglais|ingles|german|deutsch|allemand|aleman|french|franzosisch|francais|frances|spanish|spanisch|espagnol|espanol|castellano|italian|italienisch|italien|italiano|dutch|niederlandisch|neerlandais|neerlandes|portuguese|portugiesisch|portugais|portugues|polish|polnisch|polonais|polaco|turkish|turkisch|turc|turco|arabic|arabisch|arabe|chinese|chinesisch|chinois|chino|russian|russisch|russe|ruso|catalan|katalanisch|catala)';
/** "in English, German and French": two or more language names joined by commas and one "and / or". */
const LANGUAGE_RUN = new RegExp(`\\b${LANGUAGE_NAME}(?:\\s*,\\s*${LANGUAGE_NAME})*\\s*(?:,|and|und|et|y|e|or|oder|ou|o|&|/)\\s*${LANGUAGE_NAME}\\b`, 'g');

/** Language codes as written in capitals ("EN, DE, FR and ES"); in lower case they are everyday words ("de", "en", "es"). */
const LANGUAGE_CODE = '(?:EN|DE|FR|ES|IT|PL|NL|PT|CA|CS|DA|SV|FI|NO|EL|HU|RO|TR|AR|ZH|JA|RU|UK)';
const LANGUAGE_CODE_RUN = new RegExp(`\\b${LANGUAGE_CODE}(?:\\s*,\\s*${LANGUAGE_CODE})*\\s*(?:,|and|und|et|y|e|or|oder|ou|o|&|/)\\s*${LANGUAGE_CODE}\\b`, 'g');

/** Where a run of language names or codes stands in the text, as [start, end) pairs. */
function languageRuns(text: string): [number, number][] {
  return [...accentFree(text).matchAll(LANGUAGE_RUN), ...text.matchAll(LANGUAGE_CODE_RUN)].map((match) => [match.index, match.index + match[0].length]);
}

/** Whether a text names two or more languages in a run: it asks for the product in several languages. */
export function namesLanguages(text: string): boolean {
  return languageRuns(text).length > 0;
}

/**
 * Splits at commas, semicolons, dashes and colons outside parentheses, and at " and / und / et / y
 * / + " (not "&": "click & collect" is one thing), but never inside a run of language names: "in English, German and French" is one need.
 */
function fragments(item: string): string[] {
  const runs = languageRuns(item);
  const protectedAt = (index: number) => runs.some(([start, end]) => index >= start && index < end);
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let index = 0; index < item.length; index += 1) {
    const char = item[index]!;
    if (char === '(') depth += 1;
    if (char === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && /[,;:–—]/.test(char) && !protectedAt(index)) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts
    .flatMap(sentencesOf)
    .flatMap((part) => outsideParentheses(part, /\s+(?:and|und|sowie|et|y|e|\+)\s+/gi))
    .map((part) => part.trim());
}

/** Splits at the separator only where it stands outside parentheses: "(for customers and tickets)" stays one. */
function outsideParentheses(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  const runs = languageRuns(text);
  let start = 0;
  for (const match of text.matchAll(separator)) {
    const before = text.slice(0, match.index);
    if ((before.match(/\(/g) ?? []).length > (before.match(/\)/g) ?? []).length) continue;
    if (runs.some(([runStart, runEnd]) => match.index > runStart && match.index < runEnd)) continue;
    parts.push(text.slice(start, match.index));
    start = match.index + match[0].length;
  }
  parts.push(text.slice(start));
  return parts;
}

/** A recurring time ("every Friday", "jeden Montag", "chaque matin", "cada viernes"), with the space after it. */
const RECURRING =
  /\b(?:every|each|jeden|jede|jedes|chaque|tous les|toutes les|cada|todos los|todas las) (?:day|morning|evening|week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday|tag|morgen|abend|woche|monat|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|jour|matin|soir|semaine|mois|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|dia|manana|tarde|semana|mes|lunes|martes|miercoles|jueves|viernes|sabado|domingo)s?(?: (?:morning|evening|night|fruh|morgen|abend|matin|soir|por la manana|por la tarde))?\b\s*/;

/** Articles and filler adverbs ("dann", "still"): the first words to go from a phrase too long to keep whole. */
// Not "a", "des" or "du": in French and Spanish they are prepositions ("à la main", "a mano").
const ARTICLES = new Set('an the der die das den dem ein eine einen einem einer eines le la les l un une el los las unos unas lo dann then puis luego entonces noch schon ubrigens already still immer'.split(' '));

/** Possessives say nothing about the need ("log their hours" is "log hours"); dropped inside a phrase. */
const POSSESSIVES = new Set('our their your my his its unser unsere unserer unseren unserem ihr ihre ihren ihrem notre nos leur leurs votre vos mon ma mes nuestro nuestra nuestros nuestras su sus mi mis'.split(' '));

/** French and Spanish prepositions: a possessive after one stays, "el estado de aviso" is no longer Spanish. */
const ROMANCE_PREPOSITIONS = new Set('de a en con para por sobre desde hasta dans sur avec pour par chez entre'.split(' '));

/** Openers that only lead over to what follows ("And while we're at it, …", "Au passage"). */
const LEADS_OVER = /^\s*(?:(?:and|und|et|y)\s+)?(?:while we[’']?re at it|while we are at it|by the way|btw|incidentally|nebenbei|ubrigens|übrigens|au passage|d ailleurs|d’ailleurs|d'ailleurs|de paso|por cierto)\b[\s,]*/i;

function tidy(phrase: string, minWords: number): string | null {
  const all = strip(phrase.replace(LEADS_OVER, '')).split(' ').filter(Boolean);
  const afterPreposition = all.filter((word, index) => !POSSESSIVES.has(accentFree(word)) || (index > 0 && ROMANCE_PREPOSITIONS.has(accentFree(all[index - 1]!))));
  // Kept only where the phrase still fits: a name at its end says more than a possessive.
  const words = wordsOf(normalizeText(afterPreposition.join(' '))).length <= MAX_WORDS ? afterPreposition : all.filter((word) => !POSSESSIVES.has(accentFree(word)));
  // "C'est" and "d'un" read as two little words.
  // A word in capitals is a name or a code ("IT" for Italian, "EN"), never a little word.
  const edge = (word: string) => !/^\p{Lu}{2,}[.!?]?$/u.test(word) && accentFree(word).replace(/[.!?]$/, '').trim().split(/\s+/).every((part) => EDGE_WORDS.has(part));
  while (words.length > 0 && edge(words[0]!)) words.shift();
  while (words.length > 0 && edge(words[words.length - 1]!)) words.pop();
  // Counted as the copy check counts them: "E-Mail" and "n'est" are two words each.
  // Too long: the inner articles go first ("integration with the case management system (Clio)"
  // keeps its last, telling word), then words from the end. Prepositions and relative words stay:
  // without them a phrase stops reading as a sentence ("lose track parts were ordered").
  let kept = [...words];
  const count = () => wordsOf(normalizeText(kept.join(' '))).length;
  // When it is too long, how often something happens goes first ("every Friday", "jeden Morgen").
  if (count() > MAX_WORDS) {
    const often = RECURRING.exec(accentFree(kept.join(' ')));
    if (often) kept = strip(kept.join(' ').slice(0, often.index) + kept.join(' ').slice(often.index + often[0].length)).split(' ').filter(Boolean);
  }
  for (let index = kept.length - 2; count() > MAX_WORDS && index > 0; index -= 1) {
    if (ARTICLES.has(accentFree(kept[index]!))) kept.splice(index, 1);
  }
  // Unless the end names something (a product, a system: "… a través de Datadis", "(Clio)",
  // "Sage 200"): then the inner little words go too, so that the name survives. A capital counts
  // only where the rest of the phrase is lower case (German writes every noun with one) or inside a word (NetSuite).
  const cut = kept.slice(MAX_WORDS - 1);
  const capitalised = kept.slice(1).filter((word) => /^\P{L}*\p{Lu}\p{Ll}/u.test(word));
  const names = (word: string) => /\d|\p{Ll}\p{Lu}|^\P{L}*\p{Lu}{2}/u.test(word) || (capitalised.length === 1 && capitalised[0] === word);
  const named = cut.filter(names);
  if (count() > MAX_WORDS && named.length > 0) {
    const before = [...kept];
    for (let index = kept.length - 2; count() > MAX_WORDS && index > 0; index -= 1) {
      if (EDGE_WORDS.has(accentFree(kept[index]!))) kept.splice(index, 1);
    }
    // Only worth it when a name then survives the cut; otherwise the phrase keeps its little words.
    const survivors = kept.slice(0, MAX_WORDS);
    while (survivors.length > 1 && wordsOf(normalizeText(survivors.join(' '))).length > MAX_WORDS) survivors.pop();
    if (!named.some((word) => survivors.includes(word))) kept = before;
  }
  kept = kept.slice(0, MAX_WORDS);
  while (kept.length > 1 && count() > MAX_WORDS) kept.pop();
  while (kept.length > 0 && edge(kept[kept.length - 1]!)) kept.pop();
  // A parenthesis cut open by the word limit is closed or dropped.
  let text = kept.join(' ').replace(/\s*[.!?]+$/, '');
  // A parenthesis opened in an earlier fragment leaves only its close here.
  if (!text.includes('(')) text = text.replace(/\)/g, '');
  if ((text.match(/\(/g) ?? []).length > (text.match(/\)/g) ?? []).length) text = text.replace(/\s*\([^)]*$/, '');
  if (text.replace(/[^\p{L}]/gu, '').length < 3 || text.split(' ').length < minWords) return null;
  return text.charAt(0).toUpperCase() + text.slice(1);
}


/** The sender saying it does not know (what it needs, what it costs): what follows is no need. */
const UNSURE = /\b(?:not sure|don.?t know|do not know|wei(?:ss|ß) nicht|wissen nicht|nicht genau|ne sais pas|ne savons pas|no se|no sabemos|no tengo claro|no estoy seguro)\b/;

/** German puts the need between "wäre" and its praise: "Außerdem wäre eine Unterschrift auf dem Tablet sinnvoll". */
const WOULD_BE_GOOD = /\bware (.{3,80}?) (?:sinnvoll|ideal|toll|schon|super|gut|hilfreich|praktisch|wunschenswert)\b/;

/** Need verbs that weigh what follows rather than ask for it. */
const WEIGHS = /wichtig|important|essentiel|clave|nice to have|must have|option|opcional|zusatzlich/;

/** A question the sender asks ("wo liegen die Daten?"): no need. */
const QUESTION = /^(?:wo|wie|was|wann|warum|where|how|what|when|why|ou|comment|quel|quelle|quand|pourquoi|donde|como|que|cuando|por que|cual)\b.*\?$/;

/** Pronouns that only point back at something said before. */
const REFERS_BACK = /^(?:this|that|it|these|those|dies|dieses|es|ca|cela|ceci|esto|eso|ello)\b/;

/** "musste" read accent-free is both "müsste" (would have to: a need) and "musste" (had to: a story). */
function pastTense(sentence: string, verb: RegExpMatchArray): boolean {
  return /^musste/.test(verb[0]) && sentence.charAt(verb.index! + 1).toLowerCase() !== 'ü';
}

/** The sentence's need: what follows its last need verb, or the subject of "… is critical". */
function needOf(sentence: string): { text: string; subject: boolean } | null {
  return needsOf(sentence).at(-1) ?? null;
}

/** Need verbs that go on from a subject rather than ask anew: "(que los técnicos) puedan", "(drivers) should". */
const MODAL = /^(?:should|must|need|needs|has to|have to|be able|soll|muss|mussen|moglich|necesit|devr|doi|devr|deb|puiss|pued|podamos|would|could|konnten|wurden|konnen|pourr|peuvent|podr)/;

/**
 * The people before a need verb ("our curators need to be able to add tours"), when they are one or
 * two words in the plural: the need is what they do ("Curators add tours").
 */
function peopleBefore(sentence: string, plain: string, verbIndex: number, from: number): string | null {
  const clauseStart = Math.max(from, ...[...plain.slice(0, verbIndex).matchAll(/[,;:(]|\b(?:and|und|et|y|then|dann|puis|luego)\b/g)].map((match) => match.index + match[0].length));
  const words = sentence
    .slice(clauseStart, verbIndex)
    .trim()
    .split(/\s+/)
    .filter((word) => word && !EDGE_WORDS.has(accentFree(word)) && !POSSESSIVES.has(accentFree(word)));
  if (words.length < 1 || words.length > 2) return null;
  const last = accentFree(words[words.length - 1]!);
  if (!new RegExp(`^${PEOPLE}$`).test(last)) return null;
  return strip(words.join(' '));
}

/** A need that ends pointing back ("it would need to pull from that"): it names nothing. */
const ENDS_POINTING_BACK = /\b(?:from|with|into|to|on|in|mit|von|an|in|avec|de|dans|con|a|en) (?:that|it|this|them|those|das|dem|diesem|cela|ca|eux|eso|esto|ello)\W*$/;

/**
 * The sentence's needs: what follows each need verb up to the next one ("the content has to be
 * available in three languages, and it must also work offline" asks for two things), or the
 * subject of "… is critical".
 */
function needsOf(sentence: string): { text: string; subject: boolean }[] {
  const plain = accentFree(sentence);
  // A parenthesis explains ("(wie viel muss gebacken werden)"); its verbs ask for nothing.
  const verbs = [...plain.matchAll(NEED_VERB)].filter((match) => !insideParentheses(plain, match.index) && !pastTense(sentence, match));
  const needs: { text: string; subject: boolean }[] = [];
  let refused = false;
  // A subject of a few words between two need verbs runs on into the second ("que los técnicos
  // puedan firmar", "we want drivers to be able to sign"): one need, not two.
  const wordsBetween = (index: number) => (plain.slice(verbs[index]!.index + verbs[index]![0].length, verbs[index + 1]?.index ?? plain.length).match(/\p{L}+/gu) ?? []).length;
  for (let index = verbs.length - 2; index >= 0; index -= 1) {
    const between = wordsBetween(index);
    if (between >= 1 && between <= 3 && MODAL.test(verbs[index + 1]![0])) verbs.splice(index + 1, 1);
  }
  verbs.forEach((verb, index) => {
    // "No sé qué necesitamos exactamente": an admitted uncertainty, not a need.
    if (UNSURE.test(plain.slice(0, verb.index))) {
      refused = true;
      return;
    }
    let end = verbs[index + 1]?.index ?? sentence.length;
    // "…and see images; the content has to be…": the next verb's subject is not part of this need.
    const boundary = Math.max(...[...plain.slice(0, end).matchAll(/[,;:]/g)].map((match) => match.index).filter((at) => at > verb.index), -1);
    if (index + 1 < verbs.length && boundary >= 0 && (plain.slice(boundary + 1, end).match(/\p{L}+/gu) ?? []).length <= 3) end = boundary;
    const rest = sentence.slice(verb.index + verb[0].length, end).trim();
    const plainRest = accentFree(rest);
    // "We'd like this done before March": a pronoun points back at a need, it names none.
    if (REFERS_BACK.test(plainRest) || ENDS_POINTING_BACK.test(plainRest)) {
      refused = true;
      return;
    }
    // What is called important may be one word ("Wichtig ist uns der Datenschutz").
    if (!/\p{L}/u.test(rest)) return;
    const people = MODAL.test(verb[0]) ? peopleBefore(sentence, plain, verb.index, index > 0 ? verbs[index - 1]!.index + verbs[index - 1]![0].length : 0) : null;
    // "Visitors would scan a code and see images": the people, then what they do. French and
    // Spanish keep the verb ("Clientes deben poder pagar"), their infinitive alone reads badly.
    const keepsVerb = /^(?:doi|devr|deb|puiss|pued|podamos|pourr|peuvent|podr)/.test(verb[0]);
    const verbAsWritten = sentence.slice(verb.index, verb.index + verb[0].length);
    const text = people ? `${people} ${keepsVerb ? `${verbAsWritten} ` : ''}${rest.replace(/^(?:be|sein|etre|ser|estar)\s+/i, '')}` : rest;
    needs.push({ text, subject: WEIGHS.test(verb[0]) });
  });
  // A need found, or one refused as uncertain or pointing back: nothing more to find in the sentence.
  if (needs.length > 0 || refused) return needs;
  const framed = WOULD_BE_GOOD.exec(plain);
  if (framed) {
    const start = framed.index + framed[0].indexOf(framed[1]!);
    return [{ text: sentence.slice(start, start + framed[1]!.length), subject: true }];
  }
  const after = NEED_AFTER.exec(plain);
  return after ? [{ text: sentence.slice(0, after.index), subject: true }] : [];
}

/** A remark on what came before ("that's where everything lives", "das ist unser Hauptsystem"): no need. */
const COMMENTARY = /^(?:that s|that is|this is|which is|das ist|das sind|dies ist|eso es|esto es|ce qui est|sonst|otherwise|sinon|de lo contrario|si no)\b/;

/** Asking to be called or met ("set up an intro call", "kurz telefonieren"): how to talk, not what to build. */
const CONTACT = /^(?:(?:set up|arrange|schedule|have|book) (?:an? |the )?(?:\w+ )?(?:call|meeting)|call (?:me|us)|(?:kurz )?telefonieren|(?:einen )?termin (?:vereinbaren|ausmachen)|(?:un )?(?:appel|rendez vous)|(?:una )?(?:llamada|reunion))\b/;

/** Being ready by a date ("opérationnel avant avril", "live before the season"): when, not what. */
const DEADLINE = /^(?:operationnel(?:le)?s?|live|online|ready|in place|up and running|fertig|einsatzbereit|startklar|pret(?:e|s)?|listo|lista|operativo|mise en ligne|go live|pilot)\b.*\b(?:avant|before|by|bis|vor|antes|within|innerhalb|d ici|para)\b/;

/** One word that names no need of its own ("eine Lösung, wo Mieter …" asks for what follows). */
const GENERIC = new Set('solution solutions losung tool tools outil outils herramienta herramientas system systeme sistema software logiciel app application aplicacion plattform platform plateforme plataforma'.split(' '));

/** Whether the position lies inside an open parenthesis. */
function insideParentheses(text: string, index: number): boolean {
  const before = text.slice(0, index);
  return (before.match(/\(/g) ?? []).length > (before.match(/\)/g) ?? []).length;
}

/** A start or a deadline ("start in March", "l'avoir pour l'été", "empezar en enero"): when, not what. */
const TIMING = /^(?:start|begin|kick off|go live|be live|have it|get started|starten|beginnen|loslegen|anfangen|live gehen|commencer|demarrer|lancer|l avoir|empezar|comenzar|arrancar|tenerlo|estar listo)\b/;

/** A date by which something must happen ("adjudicarse antes de diciembre", "signed before March"): when, not what. */
const BY_MONTH =
  /\b(?:antes de|before|by|bis|vor|avant|d ici|para|until|hasta|jusqu en|en) (?:(?:finales|principios|fin|debut|ende|anfang|end|the end|early|late) (?:de |of )?)?(?:january|february|march|april|may|june|july|august|september|october|november|december|januar|februar|marz|mai|juni|juli|oktober|dezember|janvier|fevrier|mars|avril|juin|juillet|aout|septembre|octobre|novembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)$/;

/** Why something else is needed ("porque lo de la policía es un lío"): the reason, not the need. */
const BECAUSE = /^(?:because|since|weil|porque|parce que)\b/;

/** The sender introducing itself before a colon ("kurz zu uns: Bäckerei, 14 Filialen, 180 Leute"): no enumeration of needs. */
const ABOUT_US = /\b(?:zu uns|uber uns|about us|a propos de nous|sobre nosotros|quienes somos|wir sind|we are|we re|nous sommes|somos)\b/;

/**
 * A system the sender says it uses ("We use ezyVet as our practice software", "wir arbeiten mit
 * DATEV"): the proposal has to say how it works with it. Its name is what follows the verb, up to
 * the word that says what it is or why.
 */
const SYSTEM_IN_USE =
  /\b(?:we use|we re using|we are using|we run|we work with|we re on|we are on|wir nutzen|wir verwenden|wir arbeiten mit|wir setzen|nous utilisons|on utilise|nous travaillons avec|nous travaillons sous|usamos|utilizamos|trabajamos con)\s+(?:(?:ubrigens|bereits|schon|derzeit|aktuell|currently|already|actuellement|deja|actualmente|ya|also|auch|aussi|tambien|our|unser|unsere|notre|nuestro|nuestra|the|das|den|die|le|la|el)\s+)*(.{2,40}?)(?=\s+(?:as|als|comme|como|for|fur|pour|para|which|that|so|und|and|et|y|since|because|weil|car|porque|in|im|en|dans|seit|depuis|desde)\b|\s*[,.;:!?()]|$)/;

/** The product name of a system in use, when it looks like one (a capital or a digit, four words at most). */
function systemOf(sentence: string): string | null {
  const match = SYSTEM_IN_USE.exec(accentFree(sentence));
  if (!match) return null;
  const start = match.index + match[0].length - match[1]!.length;
  const name = strip(sentence.slice(start, start + match[1]!.length));
  const words = name.split(' ');
  if (words.length > 4 || !/[\p{Lu}\d]/u.test(name) || FORBIDDEN.test(name)) return null;
  return name;
}

/** What only announces a list ("we need the following:", "drei Dinge:"): no need of its own. */
const ANNOUNCES_LIST = /\b(?:things|points|features|functions|following|folgendes|folgende|dinge|punkte|funktionen|suivantes?|choses|fonctionnalites|siguientes?|cosas|puntos|funciones)$/;

/** The sentence before and after its first colon (outside parentheses), when what follows is an enumeration of three or more items. */
function enumerationOf(sentence: string): { lead: string; items: string } | null {
  let depth = 0;
  for (let index = 0; index < sentence.length; index += 1) {
    const char = sentence[index]!;
    if (char === '(') depth += 1;
    if (char === ')') depth = Math.max(0, depth - 1);
    // "10:30" and "https://" are no colons that introduce anything: one must be followed by a space.
    if (depth === 0 && char === ':' && /\s/.test(sentence[index + 1] ?? '')) {
      const rest = sentence.slice(index + 1).trim();
      return fragments(rest).filter((part) => /\p{L}{2}/u.test(part)).length >= 3 ? { lead: sentence.slice(0, index), items: rest } : null;
    }
  }
  return null;
}

/** The problems a sentence names: from a marker with its object onwards, else the clauses that hold a marker. */
function problemsOf(sentence: string): string[] {
  const plain = accentFree(sentence);
  const before = PROBLEM_BEFORE_OBJECT.exec(plain);
  if (before) return fragments(sentence.slice(before.index));
  return fragments(sentence).filter((part) => PROBLEM_AFTER_SUBJECT.test(accentFree(part)));
}

/** Words that open a clause of their own: a phrase too long to keep whole is cut before them. */
const CLAUSE_START =
  /(?<!\b(?:for|in|on|at|by|to|of|from|with|fur|für|mit|von|an|auf|pour|avec|de|dans|par|sur|para|con|en|por|lo|ce))\s+(?=(?:that|which|where|without|so that|because|since|ohne|damit|sodass|weil|wo|qui|que|où|sans|afin de|pour que|parce que|donde|sin|para que|porque)\s)/giu;

const wordCount = (text: string) => wordsOf(normalizeText(text)).length;

/**
 * A fragment too long for one phrase: its long parentheses go ("(un software propio con base de
 * datos SQL Server)" says less than what precedes it), then it is cut at the start of its clauses,
 * so that "…form on our website that gathers the facts" keeps both halves instead of losing the end,
 * and what is still too long is halved before a "with" or "for".
 */
function pieces(fragment: string): string[] {
  if (wordCount(fragment) <= MAX_WORDS) return [fragment];
  const shorter = fragment.replace(/\s*\(([^()]*)\)/g, (whole, inner: string) => (wordCount(inner) > 3 ? '' : whole)).trim();
  if (wordCount(shorter) <= MAX_WORDS) return [shorter];
  return shorter
    .split(CLAUSE_START)
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '')
    .flatMap(glossed)
    .flatMap(halves);
}

/**
 * A short parenthesis in a piece still too long is often the need's own name ("el cliente rellene
 * sus datos antes de llegar (check in online)"): the word limit would cut it, so it stands alone.
 */
function glossed(piece: string): string[] {
  if (wordCount(piece) <= MAX_WORDS) return [piece];
  const glosses = [...piece.matchAll(/\(([^()]*)\)/g)].map((match) => match[1]!.trim()).filter((inner) => wordCount(inner) >= 2 && /\p{L}{3}/u.test(inner));
  if (glosses.length === 0) return [piece];
  const rest = piece.replace(/\s*\(([^()]*)\)/g, (whole, inner: string) => (glosses.includes(inner.trim()) ? '' : whole)).trim();
  return [rest, ...glosses];
}

/** Where a long phrase may be halved when it has no clause to cut at: before what it is with or for. */
const ADDITION = new RegExp(`\\s+(?=(?:with|for|mit|fur|avec|pour|con|para)\\s|(?:in|en|auf|au|dans)\\s+${LANGUAGE_NAME}\\b)`, 'g');

/** Words that say something: not the little words a phrase never starts or ends with. */
const contentWords = (text: string) => text.split(/\s+/).filter((word) => /\p{L}/u.test(word) && !EDGE_WORDS.has(accentFree(word).trim())).length;

/** A piece still too long, halved before its "with / for" nearest the middle, if each half keeps two words that say something; else whole. */
function halves(piece: string): string[] {
  const words = wordCount(piece);
  // Dropping its little words makes most pieces fit; only one that would still lose words is halved.
  if (words <= MAX_WORDS || contentWords(piece) < MAX_WORDS) return [piece];
  let best: { at: number; balance: number } | null = null;
  // Matched accent-free ("für" as "fur", "español" as "espanol"); the indexes still fit the piece.
  for (const match of accentFree(piece).matchAll(ADDITION)) {
    const before = wordCount(piece.slice(0, match.index));
    if (contentWords(piece.slice(0, match.index)) < 2 || contentWords(piece.slice(match.index)) < 2) continue;
    const balance = Math.abs(words / 2 - before);
    if (!best || balance < best.balance) best = { at: match.index, balance };
  }
  return best ? [piece.slice(0, best.at).trim(), piece.slice(best.at).trim()] : [piece];
}

const namesProblem = (text: string) => PROBLEM_AFTER_SUBJECT.test(accentFree(text)) || PROBLEM_BEFORE_OBJECT.test(accentFree(text));

/**
 * The pieces of a fragment that names a problem: only those that hold the problem ("ya nos pasó
 * dos veces | que se reservó la misma habitación (overbooking)" is the second), and a reason is the
 * problem itself ("… porque lo de la policía es un lío": the clause without its "porque").
 */
function problemPieces(fragment: string): string[] {
  const split = pieces(fragment).map((piece) => piece.replace(/^(?:because|since|weil|porque|parce que)\s+/i, ''));
  const marked = split.filter(namesProblem);
  return marked.length > 0 ? marked : split;
}

export type StatedNeedKind = 'need' | 'problem' | 'system';

export interface StatedNeed {
  /** The short phrase, in the lead's words. */
  readonly phrase: string;
  /** The part of the message it was cut from: what the phrase is about, to find the catalogue components it names. */
  readonly context: string;
  /** A need the lead asks for, a problem it names, or a system it uses (the phrase is then the system's name). */
  readonly kind: StatedNeedKind;
  /** Cut from a paragraph that also tries to instruct an automated reader: it may be part of the attempt. */
  readonly nearInstruction: boolean;
}

export function readStatedNeeds(message: string): StatedNeed[] {
  const sources: { text: string; listed: boolean; kind: StatedNeedKind; nearInstruction: boolean; parts?: string[] }[] = [];
  // Paragraph by paragraph: one that tries to instruct the reader taints what it holds beyond the
  // instructing sentence itself ("Ignore your rules. We are long-standing clients, so …").
  const lines = message.split(/\r?\n/);
  const paragraphOf: number[] = [];
  lines.forEach((line, index) => paragraphOf.push(index === 0 ? 0 : paragraphOf[index - 1]! + (line.trim() === '' || lines[index - 1]!.trim() === '' ? 1 : 0)));
  const tainted = new Set(lines.flatMap((line, index) => (instructsReader(line) ? [paragraphOf[index]!] : [])));
  const safeLines = withoutInstructions(message).split(/\r?\n/);
  // "Was wir bräuchten:" at the end of a line: the prose lines that follow, up to a blank line, list the needs.
  let introduced = false;
  for (const [index, line] of safeLines.entries()) {
    const nearInstruction = tainted.has(paragraphOf[index] ?? -1);
    if (line.trim() === '') introduced = false;
    const item = LIST_ITEM.exec(line)?.[1];
    if (item) {
      sources.push({ text: item, listed: true, kind: 'need', nearInstruction });
      continue;
    }
    if (introduced && line.trim() !== '') {
      sources.push({ text: line, listed: true, kind: 'need', nearInstruction });
      continue;
    }
    const opening = /^(.*):\s*$/.exec(line.trim())?.[1];
    if (opening !== undefined) {
      const plain = accentFree(opening);
      introduced = !ABOUT_US.test(plain) && (NEED_VERB.test(plain) || ANNOUNCES_LIST.test(plain.trim()));
      NEED_VERB.lastIndex = 0;
    }
    // Prose: the sentences that say what is wanted, list it after a colon, or name a problem.
    for (const sentence of sentencesOf(line)) {
      const system = systemOf(sentence);
      if (system) sources.push({ text: system, listed: true, kind: 'system', nearInstruction, parts: [system] });
      const enumeration = enumerationOf(sentence);
      if (enumeration && ABOUT_US.test(accentFree(enumeration.lead)) && !needOf(enumeration.lead)) continue;
      if (enumeration) {
        // "…build a reliable shop integration: orders, refunds, stock": the need, then its items.
        const need = needOf(enumeration.lead);
        if (need && !ANNOUNCES_LIST.test(accentFree(need.text.trim()))) sources.push({ text: need.text, listed: need.subject, kind: 'need', nearInstruction });
        // "Our spreadsheets are a mess: …": what follows a named problem are problems too.
        const kind: StatedNeedKind = !need && PROBLEM_AFTER_SUBJECT.test(accentFree(enumeration.lead)) ? 'problem' : 'need';
        sources.push({ text: enumeration.items, listed: true, kind, nearInstruction });
        continue;
      }
      for (const need of needsOf(sentence)) sources.push({ text: need.text, listed: need.subject, kind: 'need', nearInstruction });
      const problems = problemsOf(sentence);
      if (problems.length > 0) sources.push({ text: problems.join(', '), listed: false, kind: 'problem', nearInstruction, parts: problems });
    }
  }
  const needs: StatedNeed[] = [];
  for (const source of sources) {
    // A link, an address or a figure taints the whole item: it is not split into harmless-looking parts.
    if (FORBIDDEN.test(source.text)) continue;
    const parts = source.parts ?? fragments(source.text);
    // A phrase from a list, or from an enumeration in prose, may be one word ("refunds"); otherwise two.
    const minWords = source.listed || parts.length >= 3 ? 1 : 2;
    for (const fragment of parts) {
      const plainFragment = accentFree(fragment.trim());
      if (FORBIDDEN.test(fragment) || UNSURE.test(plainFragment) || QUESTION.test(plainFragment) || COMMENTARY.test(plainFragment)) continue;
      const split = source.kind === 'problem' ? problemPieces(fragment) : pieces(fragment);
      for (const piece of split) {
        const phrase = tidy(piece, minWords);
        const plainPhrase = phrase ? accentFree(phrase) : '';
        if (!phrase || TIMING.test(plainPhrase) || BY_MONTH.test(plainPhrase) || BECAUSE.test(plainPhrase) || DEADLINE.test(plainPhrase) || CONTACT.test(plainPhrase) || GENERIC.has(plainPhrase) || needs.some((need) => need.phrase.toLowerCase() === phrase.toLowerCase())) continue;
        needs.push({ phrase, context: split.length > 1 ? piece : fragment, kind: source.kind, nearInstruction: source.nearInstruction });
        if (needs.length >= MAX_NEEDS) return needs;
      }
    }
  }
  return needs;
}

/** The phrases of `readStatedNeeds`. */
export function statedNeeds(message: string): string[] {
  return readStatedNeeds(message).map((need) => need.phrase);
}
