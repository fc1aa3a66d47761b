/**
 * Names out by construction: a reason shows text from outside the library only as words of the FinSpace model, plain
 * numbers, spaces and ASCII punctuation; every other word is HIDDEN. Shown on the forms that once leaked, by
 * properties over generated names echoed in every form (set by the request, or held by FinSpace and set by no one),
 * and through the whole handler, answer and logs. The library's own words stay whole.
 */
import * as fc from 'fast-check';
import { MODEL_WORDS } from '../../lambda/model-words';
import { outside, requestIdPart } from '../../lambda/outside-text';
import { HIDDEN, nameWordsIn, reasonText, shownOutside } from '../../lambda/outside-words';
import { analystProperties, ENVIRONMENT_ID, newHandler, TARGET_USER_ID } from '../support/harness';
import { FORMS, formArb, LIBRARY_WORDS, messageArb, nameArb, wordsOf } from '../support/name-forms';
import { deployedHarnessEachTest } from '../support/deployed-environment';

const named = (firstName: string, lastName = 'Zz') => nameWordsIn([firstName, lastName]);
const NONE = new Set<string>();

test('what shows: model words in their case, plain numbers, spaces (one for a run) and ASCII punctuation', () => {
  expect(
    shownOutside(
      "1 validation error detected: Value at 'firstName' failed to satisfy constraint: Member must have length less than or equal to 50",
      NONE,
    ),
  ).toBe("1 validation error [?]: Value at 'firstName' failed to satisfy [?]: Member must have [?] or [?] to 50");
  expect(shownOutside('User  uAbCdEf0123456789\tnot found', NONE)).toBe('User [?] not found');
  expect(HIDDEN).toBe('[?]');
  // Punctuation beyond ASCII is outside text like any other.
  expect(shownOutside('1 ¿ 2 € 3', new Set())).toBe('1 [?] 2 [?] 3');
});

test.each([
  ['a named HTML entity', 'Grâce', 'Gr&acirc;ce'],
  ['a zero-padded hexadecimal reference', 'Grâce', 'Gr&#x00e2;ce'],
  ['&apos;', "O'Brien", 'O&apos;Brien'],
  ['whitespace collapsed', 'Mary  Ann', 'Mary Ann'],
  ['a no-break space', 'Mary Ann', 'Mary\u00a0Ann'],
  ['a soft hyphen', 'Grace', 'Gr\u00adace'],
  ['fullwidth letters', 'Grace', 'Ｇｒａｃｅ'],
  ['\\x escapes', 'Grace', '\\x47\\x72ace'],
  ['\\U escapes', 'Grace', '\\U00000047race'],
  ['URL-encoded three times', 'Grâce', encodeURIComponent(encodeURIComponent(encodeURIComponent('Grâce')))],
  ['one word of a two-word name', 'Mary Ann', 'Ann'],
  ['an upper-case variant as a character reference', 'John', 'J&#79;HN'],
  ['the upper case of ß as references', 'Strauß', 'Strau&#115;&#115;'],
  ['a name that is a word of the model (set by the request)', 'Grant', 'Grant'],
])('hidden: %s', (_case, name, echo) => {
  const shown = shownOutside(`User ${echo} not found`, named(name));
  expect(shown).toMatch(/^User \S*\[\?\]/);
  for (const word of wordsOf(name)) expect(wordsOf(shown)).not.toContain(word);
  expect(wordsOf(shown).every((word) => MODEL_WORDS.has(word))).toBe(true);
});

test('digits show only as a plain number: not after a letter, #, %, & or \\, nor before a letter or ;', () => {
  expect(shownOutside('limit 50, x50 50x &#79; %4F \\050 79; (79)', NONE)).toBe('limit 50, [?] &#[?]; %[?] \\[?]; (79)');
});

test('a model word touching hidden text or an escape mark (\\ & # % ;), on either side, is hidden: it may be the rest of a name', () => {
  expect(shownOutside('all &all all& #all %all \\all all; all', NONE)).toBe('all &[?]& #[?] %[?] \\[?]; all');
  expect(shownOutside('\\u0048all and H\u00adall all', NONE)).toBe('\\[?] and [?] all');
  // Digits after ; are a plain number; any printable ASCII that is no letter or digit shows, DEL does not.
  expect(shownOutside('limit;50 !~\u007f', NONE)).toBe('[?];50 !~[?]');
  // Only ASCII digits are a plain number, all of the run.
  expect(shownOutside('\u06633 3\u0663 50', NONE)).toBe('[?] 50');
});

test('a name FinSpace holds and the request does not set never shows unless it is a word of the model', () => {
  expect(shownOutside('Oldfirst Oldlast is not Grant', NONE)).toBe('[?] is not Grant');
});

test("the library's own words stay whole, even when a name is one of them", () => {
  const names = named('Access', 'Denied');
  expect(reasonText(['AccessDeniedException: ', outside('Access denied for Access'), ' (GetProgrammaticAccessCredentials)'], names)).toBe(
    'AccessDeniedException: [?] for [?] (GetProgrammaticAccessCredentials)',
  );
});

test('outside text is cut at 2048 code units, with a mark', () => {
  expect(shownOutside('a '.repeat(2000), NONE)).toBe(`${'a '.repeat(1024)}…`);
  expect(shownOutside('a '.repeat(1024), NONE)).toBe('a '.repeat(1024));
});

test("a request id shows as it is only in the service's shape (a UUID)", () => {
  expect(requestIdPart('1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toBe('1b4e28ba-2fa1-11d2-883f-0016d3cca427');
  expect(requestIdPart('Grace-Hopper')).toEqual(outside('Grace-Hopper'));
  for (const id of ['x1b4e28ba-2fa1-11d2-883f-0016d3cca427', '1b4e28ba-2fa1-11d2-883f-0016d3cca427x'])
    expect(requestIdPart(id)).toEqual(outside(id));
});

test('the words of a name, in NFKC and lower case, and each part of a camel-case word, marks included', () => {
  expect([...nameWordsIn(['Mary Ann', 'ＯＢＲＩＥＮ', "O'Hara"])].sort()).toEqual(['ann', 'hara', 'mary', 'o', 'obrien']);
  // q and U+0301 compose to nothing.
  expect([...nameWordsIn(['JeanData', 'McDONALD Jaq\u0301Dan'])].sort()).toEqual(
    ['dan', 'data', 'donald', 'jaq\u0301', 'jaq\u0301dan', 'jean', 'jeandata', 'mc', 'mcdonald'].sort(),
  );
  // A part may start lower case; capitals run up to the one that starts the next part.
  expect([...nameWordsIn(['deLuca', 'OConnor'])].sort()).toEqual(['connor', 'de', 'deluca', 'luca', 'o', 'oconnor']);
});

describe('properties', () => {
  test('no word of a name the request sets shows, in any form; every word that shows is a model word', () => {
    fc.assert(
      fc.property(
        fc.array(nameArb, { minLength: 1, maxLength: 3 }).chain((names) => fc.tuple(fc.constant(names), messageArb(names))),
        ([names, message]) => {
          const words = nameWordsIn([names[0], names.at(-1)!, names[1] ?? 'Zz']);
          const shown = wordsOf(shownOutside(message, words));
          for (const word of shown) expect(MODEL_WORDS.has(word) && !words.has(word)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('no word of a name FinSpace holds shows, in any form, unless it is a word of the model', () => {
    fc.assert(
      fc.property(
        nameArb.chain((name) => fc.tuple(fc.constant(name), messageArb([name]))),
        ([name, message]) => {
          const shown = wordsOf(shownOutside(message, NONE));
          for (const word of wordsOf(name)) if (!MODEL_WORDS.has(word)) expect(shown).not.toContain(word);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("the library's words stay whole whatever the names", () => {
    fc.assert(
      fc.property(nameArb, fc.constantFrom(...LIBRARY_WORDS), formArb, (name, word, form) => {
        expect(reasonText([word, outside(FORMS[form](name, 1))], named(name)).startsWith(word)).toBe(true);
      }),
    );
  });
});

describe('through the handler', () => {
  const current = deployedHarnessEachTest();

  test('names of the request, old and onDelete included, and names FinSpace holds reach neither the answer nor the log line', async () => {
    const h = current();
    h.emulator.injectFault({
      operation: 'UpdateUser',
      status: 400,
      message: 'ADA Lovelace, oldname, Byron, Jos&#101;phine, QUINCY and Oldfirst Oldlast rejected',
    });
    const { response } = await h.invoke(newHandler(), {
      requestType: 'Update',
      physicalResourceId: TARGET_USER_ID,
      properties: analystProperties({ lastName: 'Quincy', onDelete: { firstName: 'Josephine' } }),
      oldProperties: analystProperties({ firstName: 'Oldname', lastName: 'Byron' }),
    });
    expect(response.Reason).toContain('ValidationException: [?], [?], [?], [?]&#[?];[?], [?] and [?]. FinSpace rejected a setting');
    expect(h.logs).toHaveLength(1);
    // Request ids are random hex, whose letters can spell a short name ("ada"): they are taken out before the words are read.
    const UUID = /[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/g;
    for (const text of [response.Reason!, h.logs[0]].map((t) => t.replace(UUID, '')))
      for (const name of ['ada', 'lovelace', 'oldname', 'byron', 'josephine', 'quincy', 'oldfirst', 'oldlast'])
        expect(wordsOf(text)).not.toContain(name);
    expect(h.emulator.getUser(ENVIRONMENT_ID, TARGET_USER_ID)).toBeDefined();
  });
});
