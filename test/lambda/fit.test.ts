/**
 * Cutting text to a size: never half a surrogate pair, text that fits exactly is kept whole, and the mark after a cut
 * counts against the size.
 */
import { clipToJsonBytes, head, jsonBytes } from '../../lambda/fit';

test.each([
  ['text no longer than n, even ending in a lone high surrogate, is kept', 'ab\uD800', 3, 'ab\uD800'],
  ['a cut that would split a pair stops before it', 'a\u{1F600}b', 2, 'a'],
  ['a pair whose high surrogate is D800', 'a\u{10000}b', 2, 'a'],
  ['a pair whose high surrogate is DBFF', 'a\u{10FFFF}b', 2, 'a'],
  ['a cut right after a whole pair keeps it', 'x\u{1F600}y', 3, 'x\u{1F600}'],
  ['a cut in plain text', 'abcdef', 4, 'abcd'],
])('head: %s', (_case, text, n, expected) => {
  expect(head(text, n)).toBe(expected);
});

test('the JSON size of nothing is 0 bytes', () => {
  expect(jsonBytes(undefined)).toBe(0);
  expect(jsonBytes('é')).toBe(4);
});

test('text whose JSON fits exactly is kept; a longer one is cut so that it fits with the mark after it', () => {
  expect(clipToJsonBytes('abc', 5)).toBe('abc');
  expect(clipToJsonBytes('abcdefgh', 6)).toBe('a…');
  expect(jsonBytes(clipToJsonBytes('abcdefgh', 6))).toBeLessThanOrEqual(6);
});
