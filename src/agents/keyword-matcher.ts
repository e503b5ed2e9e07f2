/**
 * Keyword matching for the offline agents, across German, English, French and Spanish: case and
 * accents ignored, hyphens read as spaces. A keyword of four letters or fewer must stand as a
 * whole word (a plural ending may follow: app, apps); a longer one matches the start of a word
 * (integration, integrations) or the end of one, for German compounds (Kundenportal,
 * Lagerverwaltungssoftware).
 */

/**
 * The last texts normalized: every offline agent normalizes the same lead message again, and
 * seven regex passes over it cost more than a lookup.
 */
const normalized = new Map<string, string>();
const MAX_NORMALIZED = 512;

/** Lower case, no accents, ß as ss, hyphens and underscores as spaces, single spaces. */
export function normalizeText(text: string): string {
  let result = normalized.get(text);
  if (result === undefined) {
    result = normalize(text);
    if (normalized.size >= MAX_NORMALIZED) normalized.delete(normalized.keys().next().value!);
    normalized.set(text, result);
  }
  return result;
}

function normalize(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/ß/g, 'ss')
      .replace(/[’`´]/g, "'")
      // French "j'ai", "n'ai": glued, so that they never read as the English "AI".
      .replace(/\b([jnmts])'ai\b/g, '$1ai')
      .replace(/[-_]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

interface KeywordPattern {
  /** The keyword normalized: every match contains it, so a text without it needs no regex run. */
  literal: string;
  pattern: RegExp;
  /** The same with the g flag, for matchAll (which copies it, so the shared one keeps lastIndex 0). */
  global: RegExp;
}

const cache = new Map<string, KeywordPattern>();

function compiled(keyword: string): KeywordPattern {
  let entry = cache.get(keyword);
  if (!entry) {
    const literal = normalizeText(keyword);
    const escaped = literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const letters = literal.replace(/[^a-z0-9]/g, '').length;
    const source =
      letters <= 4 ? `(?<![a-z0-9'])${escaped}(?:s|es|e|en)?(?![a-z0-9])` : `(?<![a-z0-9])${escaped}|${escaped}(?=[a-z]{0,3}(?![a-z0-9]))`;
    entry = { literal, pattern: new RegExp(source), global: new RegExp(source, 'g') };
    cache.set(keyword, entry);
  }
  return entry;
}

/** A keyword as it reads in a normalized text. */
export function normalizedKeyword(keyword: string): string {
  return compiled(keyword).literal;
}

const entryKeywordLists = new WeakMap<object, readonly string[]>();

/**
 * A catalogue entry's keywords in every language, each once: kept per entry, since the agency's
 * catalogue lives as long as its configuration and every lead is matched against it.
 */
export function entryKeywords(entry: { readonly keywords: Readonly<Record<string, readonly string[]>> }): readonly string[] {
  let keywords = entryKeywordLists.get(entry);
  if (!keywords) entryKeywordLists.set(entry, (keywords = [...new Set(Object.values(entry.keywords).flat())]));
  return keywords;
}

/** Whether the keyword occurs in an already normalized text. */
function occurs(normalizedText: string, keyword: string): boolean {
  const { literal, pattern } = compiled(keyword);
  return normalizedText.includes(literal) && pattern.test(normalizedText);
}

/**
 * Which entries of a catalogue (services, components) a text names, by their keywords. Where
 * keywords overlap, the longer one wins: "web app" names a web application, and its "app" does
 * not also name a mobile app.
 */
export function matchCatalogue<T extends { readonly id: string }>(
  normalizedText: string,
  entries: readonly T[],
  keywordsOf: (entry: T) => readonly string[],
): { entry: T; keywords: string[] }[] {
  const found: { entry: T; keyword: string; start: number; end: number }[] = [];
  for (const entry of entries) {
    // A keyword listed twice finds its matches twice; the result lists it once all the same.
    for (const keyword of keywordsOf(entry)) {
      const { literal, global } = compiled(keyword);
      if (!normalizedText.includes(literal)) continue;
      for (const match of normalizedText.matchAll(global)) {
        found.push({ entry, keyword, start: match.index, end: match.index + match[0].length });
      }
    }
  }
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const claimed: { start: number; end: number; id: string }[] = [];
  const result = new Map<string, { entry: T; keywords: string[] }>();
  for (const hit of found) {
    const covered = claimed.some((span) => span.id !== hit.entry.id && hit.start >= span.start && hit.end <= span.end && span.end - span.start > hit.end - hit.start);
    if (covered) continue;
    claimed.push({ start: hit.start, end: hit.end, id: hit.entry.id });
    const current = result.get(hit.entry.id) ?? { entry: hit.entry, keywords: [] };
    if (!current.keywords.includes(hit.keyword)) current.keywords.push(hit.keyword);
    result.set(hit.entry.id, current);
  }
  // In catalogue order, for stable output.
  return entries.flatMap((entry) => {
    const match = result.get(entry.id);
    return match ? [match] : [];
  });
}

/** The keywords that occur in an already normalized text. */
export function findKeywords(normalizedText: string, keywords: readonly string[]): string[] {
  return keywords.filter((keyword) => occurs(normalizedText, keyword));
}

export function hasKeyword(normalizedText: string, keywords: readonly string[]): boolean {
  return keywords.some((keyword) => occurs(normalizedText, keyword));
}

/** The words of a normalized text: runs of letters and digits. */
export function wordsOf(normalizedText: string): string[] {
  return normalizedText.match(/[a-z0-9]+/g) ?? [];
}
