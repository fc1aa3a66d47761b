/**
 * Names and the forms a service might echo them in (cases, escapes, encodings, entities, whitespace, compatibility
 * forms, parts), for the properties that no name reaches a reason or a log line, and a checker that decodes text
 * before it looks, so that it does not share the filter's view of what a word is.
 */
import * as fc from 'fast-check';

/** Words of the library's own messages: names like these must never damage them. */
export const LIBRARY_WORDS = [
  'GetProgrammaticAccessCredentials',
  'AccessDeniedException',
  'ManageUsersAndGroups',
  'UpdateUser',
  'FinSpace',
  'environment',
  'Register the role',
];

/** Letters and the like a name is made of: no digits, %, \, &, #, + (the checker's decodings must not meet them raw). */
const NAME_CHARS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ...'éèâäöüßÅÑçøİıĳǅ',
  ...'李小龙간',
  '😀',
  ' ',
  "'",
  '-',
  '"',
  '.',
];

const composedNameArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('Access', 'Ma', 'Get', 'User', 'Manage', 'Denied', 'Credentials', 'Role', 'the', 'ent', 'Ex'),
  fc.constantFrom(
    'Hopper',
    'Grâce',
    'Zoë',
    'José María',
    "O'Brien",
    'Straße',
    '李小龙',
    'Ünal',
    'Åsa',
    'İlkay',
    'Jo',
    'Q',
    'Ñ',
    '😀Ann',
    '간지',
  ),
  fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 1, maxLength: 12 }),
);

/**
 * Names: real-looking ones, words inside the library's own, very short ones, and random ones; as they come (composed,
 * NFC) or given decomposed (NFD: Zoe and U+0308), as a template may hold them.
 */
export const nameArb: fc.Arbitrary<string> = fc
  .oneof(
    composedNameArb,
    composedNameArb.map((name) => name.normalize('NFD')),
  )
  .filter((name) => name.trim() !== '');

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const percentAll = (text: string, upper: boolean) =>
  [...Buffer.from(text, 'utf8')].map((b) => `%${upper ? hex(b, 2).toUpperCase() : hex(b, 2)}`).join('');
const jsonEscapeNonAscii = (text: string, upper: boolean) =>
  JSON.stringify(text)
    .slice(1, -1)
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${upper ? hex(c.charCodeAt(0), 4).toUpperCase() : hex(c.charCodeAt(0), 4)}`);
const jsonEscapeAll = (text: string) => Array.from({ length: text.length }, (_, i) => `\\u${hex(text.charCodeAt(i), 4)}`).join('');
const htmlEntities = (text: string) => Array.from(text, (c) => `&#${c.codePointAt(0)};`).join('');
const NAMED_ENTITIES: Record<string, string> = { â: 'acirc', é: 'eacute', ü: 'uuml', ß: 'szlig', "'": 'apos', ' ': 'nbsp', '"': 'quot' };
const namedEntities = (text: string) => Array.from(text, (c) => (NAMED_ENTITIES[c] ? `&${NAMED_ENTITIES[c]};` : c)).join('');
const paddedHexEntities = (text: string) => Array.from(text, (c) => `&#x${hex(c.codePointAt(0)!, 6)};`).join('');
const FULLWIDTH_OFFSET = 0xff21 - 0x41;
const fullwidth = (text: string) => text.replace(/[A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + FULLWIDTH_OFFSET));
const toggleCase = (text: string, seed: number) =>
  Array.from(text, (c, i) => ((seed >> (i % 16)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');

/** One form a service could echo `name` in. */
export type Form = (name: string, seed: number) => string;
export const FORMS: Record<string, Form> = {
  raw: (n) => n,
  upper: (n) => n.toUpperCase(),
  lower: (n) => n.toLowerCase(),
  mixedCase: toggleCase,
  jsonEscaped: (n, s) => jsonEscapeNonAscii(n, (s & 1) === 1),
  jsonEscapedAll: (n) => jsonEscapeAll(n),
  urlEncoded: (n) => encodeURIComponent(n),
  urlEncodedAll: (n, s) => percentAll(n, (s & 1) === 1),
  urlEncodedTwice: (n) => encodeURIComponent(encodeURIComponent(n)),
  formEncoded: (n) => encodeURIComponent(n).replace(/%20/g, '+'),
  htmlEntities: (n) => htmlEntities(n),
  namedEntities: (n) => namedEntities(n),
  paddedHexEntities: (n) => paddedHexEntities(n),
  // An upper-case variant as character references (J&#79;HN for John).
  upperAsReferences: (n) => Array.from(n, (c, i) => (i % 2 ? htmlEntities(c.toUpperCase()) : c.toUpperCase())).join(''),
  hexEscaped: (n) => Array.from(n, (c) => (c.charCodeAt(0) < 0x100 ? `\\x${hex(c.charCodeAt(0), 2)}` : c)).join(''),
  longUnicodeEscaped: (n) => Array.from(n, (c) => `\\U${hex(c.codePointAt(0)!, 8)}`).join(''),
  urlEncodedThrice: (n) => encodeURIComponent(encodeURIComponent(encodeURIComponent(n))),
  noBreakSpaces: (n) => n.replace(/ /g, '\u00a0'),
  softHyphens: (n) => Array.from(n).join('\u00ad'),
  doubledSpaces: (n) => n.replace(/ /g, '  '),
  fullwidth: (n) => fullwidth(n),
  firstWord: (n) => n.trim().split(/\s+/)[0],
  lastWord: (n) => n.trim().split(/\s+/).at(-1)!,
  // Decomposed (NFD), then escaped or encoded, so that normalizing the text around it does not compose it again.
  decomposed: (n) => n.normalize('NFD'),
  decomposedJsonEscaped: (n, s) => jsonEscapeNonAscii(n.normalize('NFD'), (s & 1) === 1),
  decomposedUrlEncoded: (n) => encodeURIComponent(n.normalize('NFD')),
  // Composed (NFC), though the name was given decomposed.
  composedJsonEscaped: (n) => jsonEscapeNonAscii(n.normalize('NFC'), false),
  composedUrlEncoded: (n) => encodeURIComponent(n.normalize('NFC')),
  // Each character in a form of its own.
  mixedForms: (n, s) =>
    Array.from(n, (c, i) => [c, jsonEscapeAll(c), percentAll(c, true), c.toUpperCase()][(s >> (2 * (i % 8))) & 3]).join(''),
};
export const formArb = fc.constantFrom(...Object.keys(FORMS));

/** Text around an echo: the library's words, or text with none of the characters the checker decodes. */
export const surroundingArb = fc.oneof(
  fc.constantFrom(...LIBRARY_WORDS, 'is not authorized', 'User ', ' rejected', ': ', '"', ''),
  fc.string({ unit: fc.constantFrom(...'abcdefghij ABCDE.:()\'"éß'), maxLength: 16 }),
);

/** A service message echoing the names in generated forms, between generated surroundings. */
export const messageArb = (names: readonly string[]) =>
  fc
    .array(fc.tuple(surroundingArb, fc.constantFrom(...names), formArb, fc.nat()), { minLength: 1, maxLength: 4 })
    .chain((echoes) =>
      surroundingArb.map((tail) => echoes.map(([before, name, form, seed]) => `${before}${FORMS[form](name, seed)}`).join('') + tail),
    );

function decodePercent(text: string): string {
  return text
    .replace(/%u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/(%[0-9a-fA-F]{2})+/g, (run) =>
      Buffer.from(
        run
          .split('%')
          .slice(1)
          .map((h) => parseInt(h, 16)),
      ).toString('utf8'),
    );
}

const ENTITY_CHARS = Object.fromEntries(Object.entries(NAMED_ENTITIES).map(([c, name]) => [name, c]));

/** The text with every escape, encoding and entity above decoded, soft hyphens dropped, in NFKC. */
export function decoded(text: string): string {
  const SHORT: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
  let out = text
    .replace(/\\U([0-9a-fA-F]{8})/g, (_, h: string) => String.fromCodePoint(Math.min(parseInt(h, 16), 0x10ffff)))
    .replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&([a-z]+);/g, (whole, name: string) => ENTITY_CHARS[name] ?? whole)
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\(["\\/bfnrt])/g, (_, c: string) => SHORT[c] ?? c)
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(Math.min(parseInt(h, 16), 0x10ffff)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Math.min(Number(d), 0x10ffff)))
    .replace(/\+/g, ' ');
  out = decodePercent(decodePercent(decodePercent(out)));
  return out.replace(/\u00ad/g, '').normalize('NFKC');
}

/** The lower-case words (letters and their marks) of decoded text. */
export function wordsOf(text: string): string[] {
  return [...decoded(text).matchAll(/\p{L}[\p{L}\p{M}]*/gu)].map(([word]) => word.toLowerCase());
}

/** Whether some form of `name` is in `text` (in any case), as far as decoding the text can tell. */
export function hasName(text: string, name: string): boolean {
  const haystack = decoded(text).toLowerCase();
  const needle = name.normalize('NFC').trim();
  return [needle.toLowerCase(), needle.toUpperCase().toLowerCase()].some((n) => haystack.includes(n));
}
