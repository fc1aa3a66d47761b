/**
 * What a reason may show of outside text: only words of the FinSpace model, plain numbers, spaces and ASCII
 * punctuation; every other word is HIDDEN, so no name passes in any form. README: "Threat model".
 */
import { head } from './fit';
import { MODEL_WORDS } from './model-words';
import type { ReasonPart } from './outside-text';

/** What stands for one or more words outside text may not show. */
export const HIDDEN = '[?]';
/** Outside text kept in a reason, in UTF-16 code units; the rest is cut (the whole answer is 4 KB at most anyway). */
const OUTSIDE_KEPT = 2048;

/** A word (letters and their marks), a run of digits, a run of spaces, or any other one character. */
// Stryker disable next-line Regex: Equivalent: whitespace is taken by the group before the last, so [\s\S] and [\S\S] see the same characters.
const TOKEN = /(\p{L}[\p{L}\p{M}]*)|(\p{Nd}+)|(\s+)|([\s\S])/gu;
/** What may stand right before shown digits: not a letter, nor what starts an escape (&#79; %4F \x4F \u004F). */
const BEFORE_DIGITS_HIDE = /[\p{L}\p{M}\p{N}#%&\\]/u;
const AFTER_DIGITS_HIDE = /[\p{L}\p{M}\p{N};]/u;
/** Printable ASCII that is neither a letter nor a digit (those are words and numbers): punctuation and symbols. */
const isAsciiPunctuation = (char: string) => char.charCodeAt(0) >= 0x21 && char.charCodeAt(0) <= 0x7e;

/**
 * The lower-case words of the first and last names a request sets (NFKC): a name that is also a word of the model
 * (Grant, Page) is hidden too, when the request sets it.
 */
export function nameWordsIn(names: readonly string[]): Set<string> {
  const words = new Set<string>();
  for (const name of names) {
    for (const [word] of name.normalize('NFKC').matchAll(/\p{L}[\p{L}\p{M}]*/gu)) {
      words.add(word.toLowerCase());
      // And each part of a word in camel case (JeanData: jean, data), which a service may echo apart.
      for (const [part] of word.matchAll(/\p{Lu}?[\p{Ll}\p{M}]+|\p{Lu}+(?![\p{Ll}])/gu)) words.add(part.toLowerCase());
    }
  }
  return words;
}

/** What a word touching it (no space between) could be part of: an escape, an entity, an encoding. */
const ESCAPE_MARKS = new Set(['\\', '&', '#', '%', ';']);

/** Outside text as a reason may show it: model words, plain numbers, spaces and ASCII punctuation; HIDDEN for the rest. */
export function shownOutside(text: string, nameWords: ReadonlySet<string>): string {
  const cut = head(text, OUTSIDE_KEPT);
  const normalized = cut.normalize('NFKC');
  // Stryker disable next-line ArrayDeclaration: Equivalent: an element that is not a token shows as nothing and touches nothing.
  const tokens: Array<{ text: string; word: boolean; hidden: boolean }> = [];
  for (const match of normalized.matchAll(TOKEN)) {
    const [token, word, digits, spaces] = match;
    const at = match.index;
    if (word !== undefined) {
      const lower = word.toLowerCase();
      // The model's words are ASCII: a word with any other letter is none of them.
      tokens.push({ text: word, word: true, hidden: !(MODEL_WORDS.has(lower) && !nameWords.has(lower)) });
    } else if (digits !== undefined) {
      const plain = /^[0-9]+$/.test(digits) && !BEFORE_DIGITS_HIDE.test(normalized[at - 1] ?? '');
      tokens.push({ text: digits, word: false, hidden: !(plain && !AFTER_DIGITS_HIDE.test(normalized[at + token.length] ?? '')) });
    } else {
      tokens.push({ text: spaces === undefined ? token : ' ', word: false, hidden: spaces === undefined && !isAsciiPunctuation(token) });
    }
  }
  // A word touching hidden text or an escape mark may be the rest of a name cut by it (\u0048all for Hall): hidden too.
  // Its neighbours are never words (a word runs to the next non-letter), so one pass decides.
  const touches = (neighbour?: { text: string; hidden: boolean }) =>
    neighbour !== undefined && (neighbour.hidden || ESCAPE_MARKS.has(neighbour.text));
  const shown = tokens.map((token, i) => !token.hidden && !(token.word && (touches(tokens[i - 1]) || touches(tokens[i + 1]))));
  const out = tokens.map((token, i) => (shown[i] ? token.text : HIDDEN)).join('');
  // Hidden words next to each other (or with only spaces between) are one HIDDEN: not even their count shows.
  const joined = out.replace(/\[\?\](?: *\[\?\])+/g, HIDDEN);
  return cut.length < text.length ? `${joined}…` : joined;
}

/** The reason as one string: the library's parts as they are, outside parts as shownOutside gives them. */
export function reasonText(parts: readonly ReasonPart[], nameWords: ReadonlySet<string>): string {
  return parts.map((part) => (typeof part === 'string' ? part : shownOutside(part.outside, nameWords))).join('');
}
