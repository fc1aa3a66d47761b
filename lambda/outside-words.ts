/**
 * What a reason may show of text from outside the library (a service's message or reason, a network error's text):
 * only words of the FinSpace model (model-words.ts), plain numbers, spaces and ASCII punctuation; every other word is
 * HIDDEN. A first or last name cannot pass in any case or encoding, set by the request or held by FinSpace, because it
 * is not searched for: it is simply not a word the library shows. README, Threat model.
 */
import { isSensitive, SETTING_FIELDS } from '../lib/finspace-rules';
import { ON_DELETE_PROPERTY } from '../lib/handler-contract';
import { head } from './fit';
import { MODEL_WORDS } from './model-words';
import type { ReasonPart } from './outside-text';
import { isRecord } from './properties';

/** What stands for one or more words outside text may not show. */
export const HIDDEN = '[?]';
/** Outside text kept in a reason, in UTF-16 code units; the rest is cut (the whole answer is 4 KB at most anyway). */
const OUTSIDE_KEPT = 2048;

/** A word (letters and their marks), a run of digits, a run of spaces, or any other one character. */
const TOKEN = /(\p{L}[\p{L}\p{M}]*)|(\p{Nd}+)|(\s+)|([\s\S])/gu;
/** What may stand right before shown digits: not a letter, nor what starts an escape (&#79; %4F \x4F \u004F). */
const BEFORE_DIGITS_HIDE = /[\p{L}\p{M}\p{N}#%&\\]/u;
const AFTER_DIGITS_HIDE = /[\p{L}\p{M}\p{N};]/u;
const ASCII_PUNCTUATION = /^[!-/:-@[-`{-~]$/;

/**
 * The lower-case words of every first and last name in the event's properties (new, old, and their onDelete), NFKC:
 * a name that is also a word of the model (Grant, Page) is hidden too, when the request sets it.
 */
export function nameWordsIn(event: Record<string, unknown>): Set<string> {
  const words = new Set<string>();
  for (const properties of [event.ResourceProperties, event.OldResourceProperties]) {
    if (!isRecord(properties)) continue;
    for (const scope of [properties, properties[ON_DELETE_PROPERTY]]) {
      if (!isRecord(scope)) continue;
      for (const field of SETTING_FIELDS) {
        const value = scope[field];
        if (!isSensitive(field) || typeof value !== 'string') continue;
        for (const [word] of value.normalize('NFKC').matchAll(/\p{L}[\p{L}\p{M}]*/gu)) words.add(word.toLowerCase());
      }
    }
  }
  return words;
}

/** Outside text as a reason may show it: model words, plain numbers, spaces and ASCII punctuation; HIDDEN for the rest. */
export function shownOutside(text: string, nameWords: ReadonlySet<string>): string {
  const cut = head(text, OUTSIDE_KEPT);
  const normalized = cut.normalize('NFKC');
  let out = '';
  // Hidden words next to each other (or with only spaces between) are one HIDDEN: not even their count shows.
  let hiddenAt = -1;
  const hide = () => {
    if (hiddenAt >= 0 && out.slice(hiddenAt).trim() === HIDDEN) out = out.slice(0, hiddenAt);
    hiddenAt = out.length;
    out += HIDDEN;
  };
  for (const match of normalized.matchAll(TOKEN)) {
    const [token, word, digits, spaces] = match;
    const at = match.index;
    if (word !== undefined) {
      const lower = word.toLowerCase();
      if (/^[a-z]+$/.test(lower) && MODEL_WORDS.has(lower) && !nameWords.has(lower)) out += word;
      else hide();
    } else if (digits !== undefined) {
      const plain = /^[0-9]+$/.test(digits) && !BEFORE_DIGITS_HIDE.test(normalized[at - 1] ?? '');
      if (plain && !AFTER_DIGITS_HIDE.test(normalized[at + token.length] ?? '')) out += digits;
      else hide();
    } else if (spaces !== undefined) {
      out += ' ';
    } else if (ASCII_PUNCTUATION.test(token)) {
      out += token;
    } else {
      hide();
    }
  }
  return cut.length < text.length ? `${out}…` : out;
}

/** The reason as one string: the library's parts as they are, outside parts as shownOutside gives them. */
export function reasonText(parts: readonly ReasonPart[], nameWords: ReadonlySet<string>): string {
  return parts.map((part) => (typeof part === 'string' ? part : shownOutside(part.outside, nameWords))).join('');
}
