/**
 * Redaction at the edges of UTF-16 and of the forms a name takes: a word around a name that holds characters outside
 * the Basic Multilingual Plane (surrogate pairs) is removed whole, and only whole; occurrences that overlap by one
 * character are all found; a `+` is a space only where the name has a space; `%uXXXX` stands for one UTF-16 unit;
 * blank names are no names.
 */
import { namesIn, REDACTED, redactOutside } from '../../lambda/redaction';

test.each([
  ['a letter outside the BMP (U+10428) right before the name', 'x \u{10428}Ada y', `x ${REDACTED} y`],
  ['the same at the start of the text', '\u{10428}Ada y', `${REDACTED} y`],
  ['U+10000, a letter whose surrogates are the lowest (D800 DC00)', 'x \u{10000}Ada', `x ${REDACTED}`],
  ['U+1D7FF, a digit whose low surrogate is the highest (DFFF)', 'x \u{1D7FF}Ada', `x ${REDACTED}`],
  ['two such letters, and one after the name', '(\u{10428}\u{10000}Ada\u{10428})', `(${REDACTED})`],
  ['an emoji (not a letter) right before the name stays', 'x \u{1F600}Ada y', `x \u{1F600}${REDACTED} y`],
  ['a lone low surrogate before the name stays', 'x \uDC00Ada y', `x \uDC00${REDACTED} y`],
  ['a lone high surrogate before the name stays', 'x \uD800Ada y', `x \uD800${REDACTED} y`],
])('the word around a name, with surrogate pairs: %s', (_case, text, expected) => {
  expect(redactOutside(text, ['Ada'])).toBe(expected);
});

test('occurrences one character apart are all found (a name of one repeated character)', () => {
  expect(redactOutside('.... end', ['...'])).toBe(`${REDACTED} end`);
});

test('a + stands for a space only where the name has one', () => {
  expect(redactOutside('Ada+Lovelace and a+++b', ['Ada Lovelace'])).toBe(`${REDACTED} and a+++b`);
  expect(redactOutside('a+++b', ['Ada'])).toBe('a+++b');
});

test('%uXXXX (JavaScript escape) stands for one UTF-16 unit: a BMP character, never half a surrogate pair', () => {
  expect(redactOutside('[%u0041da]', ['Ada'])).toBe(`[${REDACTED}]`);
  expect(redactOutside('[%uD801ab]', ['\u{10428}ab'])).toBe('[%uD801ab]');
});

test('a blank name is no name: nothing to search for', () => {
  expect(namesIn({ ResourceProperties: { firstName: '   ', lastName: '' } })).toEqual([]);
  expect(namesIn({ ResourceProperties: { firstName: ' Ada ', lastName: 'Lovelace' } })).toEqual(['Ada', 'Lovelace']);
});
