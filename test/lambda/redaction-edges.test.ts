/**
 * Redaction at the edges of UTF-16 and of the forms a name takes: a word around a name that holds characters outside
 * the Basic Multilingual Plane (surrogate pairs) is removed whole, and only whole; occurrences that overlap by one
 * character are all found; a `+` is a space only where the name has a space; `%uXXXX` stands for one UTF-16 unit;
 * blank names are no names.
 */
import { mustWithhold, namesIn, REDACTED, redactOutside, WITHHELD_NOTE } from '../../lambda/redaction';

test.each([
  ['a letter outside the BMP (U+10428) right before the name', 'x \u{10428}Ada y', `x ${REDACTED} y`],
  ['the same at the start of the text', '\u{10428}Ada y', `${REDACTED} y`],
  ['U+10000, a letter whose surrogates are the lowest (D800 DC00)', 'x \u{10000}Ada', `x ${REDACTED}`],
  ['U+1D7FF, a digit whose low surrogate is the highest (DFFF)', 'x \u{1D7FF}Ada', `x ${REDACTED}`],
  ['two such letters, and one after the name', '(\u{10428}\u{10000}Ada\u{10428})', `(${REDACTED})`],
  ['an emoji (not a letter) right before the name stays', 'x \u{1F600}Ada y', `x \u{1F600}${REDACTED} y`],
  ['a lone low surrogate before the name stays', 'x \uDC00Ada y', `x \uDC00${REDACTED} y`],
  ['a lone high surrogate before the name stays', 'x \uD800Ada y', `x \uD800${REDACTED} y`],
  ['a lone high surrogate, then a letter, before the name: the letter goes', 'x \uD800aAda y', `x \uD800${REDACTED} y`],
  ['a lone high surrogate, then a fullwidth letter (a unit above the surrogates)', 'x \uD800\uFF4AAda y', `x \uD800${REDACTED} y`],
])('the word around a name, with surrogate pairs: %s', (_case, text, expected) => {
  expect(redactOutside(text, ['Ada'])).toBe(expected);
});

test('occurrences one character apart are all found (a name of one repeated character)', () => {
  expect(redactOutside('.... end', ['...'])).toBe(`${REDACTED} end`);
  // U+FFFF is the last unit of the BMP: the search steps one unit past it, not two.
  expect(redactOutside('\uFFFF'.repeat(4), ['\uFFFF'.repeat(3)])).toBe(REDACTED);
});

test.each([
  ['an upper-case letter as a character reference', 'John', 'user J&#79;HN x'],
  ['the upper case of ß spelled out, as character references', 'Strauß', 'user Strau&#115;&#115; x'],
  ['the same in hexadecimal', 'Strauß', 'user STRAU&#x53;&#x53; x'],
  ["a name that is the mutation tool's own filler text", 'Stryker was here!', 'x Stryker was here! y'],
])('a name is found in any case of each character: %s', (_case, name, text) => {
  expect(redactOutside(text, [name])).not.toContain(text.split(' ')[1]);
  expect(redactOutside(text, [name])).toContain(REDACTED);
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

test.each([
  ['a quote', '"', '\\"'],
  ['a backslash', '\\', '\\\\'],
  ['a slash', '/', '\\/'],
  ['a backspace', '\b', '\\b'],
  ['a form feed', '\f', '\\f'],
  ['a new line', '\n', '\\n'],
  ['a carriage return', '\r', '\\r'],
  ['a tab', '\t', '\\t'],
])('a name with %s is found JSON-escaped with its short escape', (_case, char, escaped) => {
  expect(redactOutside(`x Ad${escaped}a y`, [`Ad${char}a`])).toBe(`x ${REDACTED} y`);
});

test('names that touch are one span; names are searched trimmed; nothing else is taken for a name', () => {
  expect(redactOutside('Ada-Bob', ['Ada', '-Bob'])).toBe(REDACTED);
  expect(redactOutside('x Ada y', [' Ada '])).toBe(`x ${REDACTED} y`);
  expect(redactOutside('Stryker was here', ['Ada'])).toBe('Stryker was here');
});

test('outside text is cut at 4096 code units with a mark; a name that starts past the cut is not shown as removed', () => {
  const long = redactOutside('a'.repeat(5000), ['Ada']);
  expect([long.length, long.endsWith('…')]).toEqual([4097, true]);
  const atCut = redactOutside(`${'a'.repeat(4095)} Ada`, ['Ada']);
  expect(atCut).toBe(`${'a'.repeat(4095)} …`);
});

test('blank names neither are searched nor withhold anything', () => {
  expect(mustWithhold(['', '   ', 'Ada'])).toBe(false);
  expect(mustWithhold(['Al'])).toBe(true);
});

test('the note on withheld text, word for word', () => {
  expect(WITHHELD_NOTE).toBe(
    " Text from outside this library (the service's messages, request ids and error names, network errors) is [withheld] " +
      'because a first or last name of the request is shorter than 3 characters (or longer than 64), too short to remove from ' +
      'it safely; the log stream has nothing more either.',
  );
});
