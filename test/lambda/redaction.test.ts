/**
 * Redaction that cannot reveal: the library's own words are never altered, and first and last names are removed only
 * from text that came from outside it (the service's messages, request ids and unknown error names, network errors), in
 * any case, JSON-escaped or URL-encoded; a name too short (or too long) to remove safely withholds that text instead.
 * Shown on examples, by properties over generated names and echoes (the function, then the whole handler: answer and
 * logs), and on the example that once revealed a name: firstName "Access", lastName "Ma".
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import * as fc from 'fast-check';
import { FinSpaceAccess } from '../../lambda/finspace-access';
import { FinSpaceDataServiceError } from '../../lambda/finspace-client';
import { ComposedError, errorNamePart, networkCodePart, outside, partsOf, plainText } from '../../lambda/outside-text';
import {
  MAX_SEARCHED_NAME,
  MIN_SEARCHED_NAME,
  mustWithhold,
  namesIn,
  REDACTED,
  redactOutside,
  redactReason,
  WITHHELD,
  WITHHELD_NOTE,
} from '../../lambda/redaction';
import { analystProperties, ENVIRONMENT_ID, Harness, HANDLER_ROLE_ARN, newHandler, TARGET_USER_ID } from '../support/harness';
import { asDeployed } from './deployed-environment';
import { hasName, LIBRARY_WORDS, messageArb, nameArb } from './name-forms';

describe("which words are the library's", () => {
  test("error names it knows (FinSpace's, the SDK's credential errors, its own) and Node.js network codes; nothing else", () => {
    for (const name of ['AccessDeniedException', 'ThrottlingException', 'ExpiredTokenException', 'Http404Error', 'TimeoutError']) {
      expect(errorNamePart(name)).toBe(name);
    }
    expect(errorNamePart('HopperRejectedException')).toEqual(outside('HopperRejectedException'));
    expect(networkCodePart('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(networkCodePart('econnreset Hopper')).toEqual(outside('econnreset Hopper'));
  });

  test("an error's parts: a composed error's own, a message the client made, or else the whole message as outside text", () => {
    const composed = new ComposedError(['mine ', outside('theirs')]);
    expect(partsOf(composed)).toEqual(['mine ', outside('theirs')]);
    expect(composed.message).toBe(plainText(composed.parts));
    expect(partsOf(new TypeError('Cannot read x'))).toEqual([outside('Cannot read x')]);
    expect(partsOf(new FinSpaceDataServiceError('X', 'UpdateUser answered HTTP 500', { status: 500, ownMessage: true }))).toEqual([
      'UpdateUser answered HTTP 500',
    ]);
    expect(partsOf(new FinSpaceDataServiceError('X', 'Hopper is not allowed', { status: 400 }))).toEqual([
      outside('Hopper is not allowed'),
    ]);
    expect(partsOf('thrown text')).toEqual([outside('thrown text')]);
    expect(partsOf(42)).toEqual([outside('a non-Error value was thrown')]);
  });
});

describe('outside text: every form of a name is removed', () => {
  test.each([
    ['case variants', 'HOPPER, hopper and HoPpEr', ['Hopper'], '(redacted), (redacted) and (redacted)'],
    ['a JSON-escaped echo', 'name \\"Gr\\u00e2ce\\" and Gr\\u00E2ce', ['Grâce'], 'name \\"(redacted)\\" and (redacted)'],
    ['a fully escaped echo', '\\u0048\\u006f\\u0070\\u0070\\u0065\\u0072!', ['Hopper'], '(redacted)!'],
    ['quotes escaped inside a name', 'O\\"Neil', ['O"Neil'], '(redacted)'],
    [
      'a URL-encoded echo',
      'Gr%C3%A2ce and gr%c3%a2ce and Jos%C3%A9+Mar%C3%ADa',
      ['Grâce', 'José María'],
      '(redacted) and (redacted) and (redacted)',
    ],
    ['a doubly URL-encoded echo', 'Gr%25C3%25A2ce', ['Grâce'], '(redacted)'],
    ['HTML character references', 'Gr&#226;ce, Gr&#xe2;ce', ['Grâce'], '(redacted), (redacted)'],
    ['ß written SS', 'STRASSE, Strasse, straße', ['Straße'], '(redacted), (redacted), (redacted)'],
    ['decomposed accents (NFD)', 'Zoe\u0308', ['Zoë'], '(redacted)'],
    ['a decomposed name echoed JSON-escaped', 'user Zoe\\u0308 and ZOE\\u0308!', ['Zoe\u0308'], 'user (redacted) and (redacted)!'],
    ['a composed name echoed decomposed and JSON-escaped', 'user Zoe\\u0308', ['Zoë'], 'user (redacted)'],
    [
      'a decomposed name echoed URL-encoded',
      'Zoe%CC%88, Zo%C3%AB and Zoe%25CC%2588',
      ['Zoe\u0308'],
      '(redacted), (redacted) and (redacted)',
    ],
    ['a composed name echoed decomposed and URL-encoded', 'user=Jose%CC%81+Mari%CC%81a', ['José María'], 'user=(redacted)'],
    ['a name decomposed into Hangul jamo', '\\u1100\\u1161\\u11ab is taken', ['간'], '(redacted) is taken'],
    // Literal characters before an escaped one compose with each other only: the syllable 가, then an escaped final jamo.
    ['a Hangul syllable composed in part', '가\\u11ab and 가%E1%86%AB', ['간'], '(redacted) and (redacted)'],
    [
      'a letter composed in part (ü, then an escaped macron)',
      'Lu\u0308\\u0304 and L\u00fc%CC%84',
      ['L\u01d6'],
      '(redacted) and (redacted)',
    ],
    // Found by the property through the handler: a decomposed name, each character echoed in a form of its own.
    ['mixed forms of a decomposed name', 'N"-\u00e7\\u0065%52%65\u0300qo\uac00\\u11ab%6D%43', ['N"-çeRèqo간mC'], '(redacted)'],
    ['an astral character', '😀ann and \\ud83d\\ude00ANN and %F0%9F%98%80Ann', ['😀Ann'], '(redacted) and (redacted) and (redacted)'],
    ['overlapping names', 'Annabelle', ['Anna', 'belle', 'nab'], '(redacted)'],
    [
      'names inside words of outside text: the whole word goes',
      'AccessDenied for user Access',
      ['Access'],
      '(redacted) for user (redacted)',
    ],
    ['a name inside a word gives no context away', 'metadata of Ada', ['Ada'], '(redacted) of (redacted)'],
    [
      'the word around a name: letters, digits and marks, in any script',
      'x-9Adaé2\u0301-y 李Ada😀',
      ['Ada'],
      'x-(redacted)-y (redacted)😀',
    ],
    ['a name that spans two words takes both', 'ReAda Lovelaces.', ['Ada Lovelace'], '(redacted).'],
    ['a request id around a name', 'req-3fAda91b-1', ['Ada'], 'req-(redacted)-1'],
    ['nothing else', 'Concurrent modification', ['Hopper'], 'Concurrent modification'],
  ])('%s', (_name, text, names, expected) => {
    expect(redactOutside(text, names)).toBe(expected);
  });

  test('a name cut in two by the 4096-character limit is still found', () => {
    const text = `${'x'.repeat(4092)} Hopper and more`;
    expect(redactOutside(text, ['Hopper'])).toBe(`${'x'.repeat(4092)} ${REDACTED}…`);
    expect(redactOutside('y'.repeat(10_000), ['Hopper'])).toBe(`${'y'.repeat(4096)}…`);
  });

  test('the names are those of the new and old properties and their onDelete, trimmed; nothing else', () => {
    const event = {
      ResourceProperties: { firstName: ' Ada ', lastName: 'Lovelace', userId: 'uX', onDelete: { firstName: 'Augusta' } },
      OldResourceProperties: { firstName: 'Ada', lastName: 12, onDelete: null },
      RequestId: 'Hopper',
    };
    expect(namesIn(event).sort()).toEqual(['Ada', 'Augusta', 'Lovelace']);
    expect(namesIn({ ResourceProperties: 'x' })).toEqual([]);
  });

  test(`names under ${MIN_SEARCHED_NAME} or over ${MAX_SEARCHED_NAME} code points withhold outside text; in between they are searched`, () => {
    expect([['Jo'], ['😀'], ['Ann'], ['x'.repeat(64)], ['x'.repeat(65)], ['Hopper', 'Q']].map(mustWithhold)).toEqual([
      true,
      true,
      false,
      false,
      true,
      true,
    ]);
  });
});

/**
 * `redacted` is `original` with some stretches replaced by REDACTED and nothing else changed, each stretch a whole run
 * of letters, digits and marks: no letter or digit is left next to a REDACTED, to give away the rest of its word.
 */
function expectWholeWordsRemoved(redacted: string, original: string): void {
  const pieces = redacted.split(REDACTED);
  if (pieces.length === 1) {
    expect(redacted).toBe(original);
    return;
  }
  const last = pieces.at(-1)!;
  expect(original.startsWith(pieces[0])).toBe(true);
  expect(original.endsWith(last)).toBe(true);
  // Each piece in order, with something removed before it.
  let at = pieces[0].length;
  for (const piece of pieces.slice(1, -1)) {
    const found = original.indexOf(piece, at + 1);
    expect([piece, found > at]).toEqual([piece, true]);
    at = found + piece.length;
  }
  expect(original.length - last.length).toBeGreaterThan(at);
  const word = /[\p{L}\p{N}\p{M}]/u;
  for (let i = 0; i < pieces.length - 1; i++) {
    expect([pieces[i], word.test(Array.from(pieces[i]).at(-1) ?? '')]).toEqual([pieces[i], false]);
    expect([pieces[i + 1], word.test(Array.from(pieces[i + 1])[0] ?? '')]).toEqual([pieces[i + 1], false]);
  }
}

describe('a reason: the library text stays whole, outside text loses the names', () => {
  const library = [
    'GetProgrammaticAccessCredentials failed for FinSpace environment "e1" (request id ',
    ')',
    ': ',
    'AccessDeniedException',
    ': ',
  ];

  test('a name that is a word of the library is removed from the outside text only', () => {
    const reason = redactReason(
      [
        library[0],
        outside('req-Access-1'),
        library[1],
        library[2],
        library[3],
        library[4],
        outside('User Access is denied'),
        '. ManageUsersAndGroups',
      ],
      ['Access'],
    );
    expect(reason).toBe(
      'GetProgrammaticAccessCredentials failed for FinSpace environment "e1" (request id req-(redacted)-1): AccessDeniedException: User (redacted) is denied. ManageUsersAndGroups',
    );
  });

  test('a name too short withholds every outside part, and the reason ends saying why', () => {
    const reason = redactReason(
      [library[0], outside('r1'), library[1], library[2], library[3], library[4], outside('Ma'), '.', outside('')],
      ['Ma'],
    );
    expect(reason).toBe(`${library[0]}${WITHHELD}): AccessDeniedException: ${WITHHELD}.${WITHHELD_NOTE}`);
  });

  test('property: no form of any name (given composed or decomposed) is left in outside text, the library text is untouched, and only whole words around names are removed (400 runs)', () => {
    fc.assert(
      fc.property(
        fc
          .array(nameArb, { minLength: 1, maxLength: 3 })
          .chain((names) => fc.tuple(fc.constant(names), messageArb(names), fc.constantFrom(...LIBRARY_WORDS))),
        ([names, message, word]) => {
          const prefix = `${word} failed: `;
          const suffix = `. ${word} (log stream x)`;
          const reason = redactReason([prefix, outside(message), suffix], names);
          const withheld = mustWithhold(names.map((n) => n.normalize('NFC').trim()));
          const end = withheld ? `${suffix}${WITHHELD_NOTE}` : suffix;
          expect(reason.startsWith(prefix)).toBe(true);
          expect(reason.endsWith(end)).toBe(true);
          const middle = reason.slice(prefix.length, reason.length - end.length);
          if (withheld) {
            expect(middle).toBe(WITHHELD);
            return;
          }
          for (const piece of middle.split(REDACTED))
            for (const name of names) expect([piece, name, hasName(piece, name)]).toEqual([piece, name, false]);
          expectWholeWordsRemoved(middle, message.normalize('NFC'));
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('through the handler', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    asDeployed(h);
  });
  afterEach(() => h.close());

  test('firstName "Access", lastName "Ma", echoed by AccessDeniedException: the library words stay whole and no name is left', async () => {
    h.emulator.injectFault({
      operation: 'GetProgrammaticAccessCredentials',
      status: 403,
      message: 'User Access Ma (ACCESS MA, Access%20Ma) is not authorized',
    });
    const { response } = await h.invoke(newHandler(), {
      requestType: 'Create',
      properties: analystProperties({ firstName: 'Access', lastName: 'Ma' }),
    });
    expect(response.Reason).toBe(
      `GetProgrammaticAccessCredentials failed for FinSpace environment "${ENVIRONMENT_ID}" (request id [withheld]): AccessDeniedException: [withheld]. ` +
        `FinSpace environment "${ENVIRONMENT_ID}" does not accept the handler's role ${HANDLER_ROLE_ARN} as an API access principal. ` +
        'Register the role in the FinSpace environment as the API access principal (apiAccessPrincipalArn, with apiAccess ENABLED) of a FinSpace ' +
        'user who may manage users: a superuser, or a member of a permission group with the ManageUsersAndGroups permission. ' +
        `(log stream 2026/11/28/[$LATEST]0123456789abcdef)${WITHHELD_NOTE}`,
    );
    for (const word of ['GetProgrammaticAccessCredentials', 'AccessDeniedException', 'ManageUsersAndGroups'])
      expect(response.Reason).toContain(word);
    expect(response.Reason).not.toMatch(/\(redacted\)|not authorized|Access Ma|ACCESS|%20/);
    expect(h.logs).toHaveLength(1);
    expect(JSON.parse(h.logs[0]).reason).toBe(response.Reason);
  });

  test('a service error name FinSpace does not have is outside text too', async () => {
    h.emulator.injectFault({ operation: 'UpdateUser', status: 400, errorType: 'HopperRejectedException', message: 'no' });
    const { response } = await h.invoke(newHandler(), { requestType: 'Create', properties: analystProperties({ lastName: 'Hopper' }) });
    expect(response.Reason).toContain(': (redacted): no.');
    expect(response.Reason).not.toContain('RejectedException');
    expect(JSON.parse(h.logs[0]).sent.apply.result).toBe('failed with an error the library does not name');
  });
});

describe('property, through the handler: the answer and the logs hold what a run without any echo holds, and nothing of any name', () => {
  const RUNS = 120;
  const MARKS = { requestId: '1111111111', message: '2222222222', reason: '3333333333', errorName: '4444444444' };
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
    asDeployed(h);
  });
  afterAll(() => h.close());

  /** FinSpace as a stub over a fake HTTP handler: `failing` answers 400 with the given error, the other succeeds. */
  function fakeFinSpace(failing: string, error: { name: string; message: string; reason?: string; requestId: string }) {
    const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => ({
      response: { statusCode, headers, body: [Buffer.from(JSON.stringify(body))] },
    });
    return {
      handle: async (request: { path: string }) => {
        const operation = request.path.endsWith('/credentials/programmatic') ? 'GetProgrammaticAccessCredentials' : 'UpdateUser';
        if (operation === failing) {
          return json(
            400,
            { message: error.message, ...(error.reason ? { reason: error.reason } : {}) },
            {
              'x-amzn-errortype': error.name,
              'x-amzn-requestid': error.requestId,
            },
          );
        }
        if (operation === 'UpdateUser') return json(200, { userId: TARGET_USER_ID });
        return json(200, {
          credentials: { accessKeyId: 'AKIDTEMP', secretAccessKey: 'temp', sessionToken: 'token' },
          durationInMinutes: 60,
        });
      },
    } as unknown as NodeHttpHandler;
  }

  async function run(names: { firstName: string; lastName: string }, failing: string, error: Parameters<typeof fakeFinSpace>[1]) {
    const access = new FinSpaceAccess({
      region: 'us-east-1',
      endpoint: 'https://finspace-api.us-east-1.amazonaws.com',
      roleCredentials: async () => ({ accessKeyId: 'AKIDROLE', secretAccessKey: 'role' }),
      roleArn: HANDLER_ROLE_ARN,
      httpHandler: fakeFinSpace(failing, error),
    });
    h.logs.length = 0;
    const { response } = await h.invoke(newHandler({ access }), {
      requestType: 'Update',
      requestId: 'req-redaction',
      physicalResourceId: TARGET_USER_ID,
      properties: analystProperties(names),
      oldProperties: analystProperties({ onDelete: { lastName: names.lastName } }),
    });
    const logs = h.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    return { reason: response.Reason ?? '', logs };
  }

  test(`generated names, echoed in any form by the service's message, reason, request id and error name (${RUNS} runs)`, async () => {
    const errorNameArb = (names: string[]) =>
      fc.oneof(
        fc.constantFrom('AccessDeniedException', 'ValidationException', 'ConflictException', 'ResourceNotFoundException'),
        fc.constantFrom(...names).map((name) => `${name.replace(/[^A-Za-z]/g, '')}Exception`),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(nameArb, nameArb).chain(([firstName, lastName]) =>
          fc.record({
            names: fc.constant({ firstName, lastName }),
            failing: fc.constantFrom('GetProgrammaticAccessCredentials', 'UpdateUser'),
            name: errorNameArb([firstName, lastName]),
            message: messageArb([firstName, lastName]),
            reason: fc.option(messageArb([firstName, lastName]), { nil: undefined }),
            requestId: fc.oneof(fc.uuid(), messageArb([firstName, lastName])),
          }),
        ),
        async ({ names, failing, name, message, reason, requestId }) => {
          const known = /^(AccessDenied|Validation|Conflict|ResourceNotFound)Exception$/.test(name);
          const echoed = await run(names, failing, { name, message, reason, requestId });
          const marks = {
            name: known ? name : MARKS.errorName,
            message: MARKS.message,
            reason: reason === undefined ? undefined : MARKS.reason,
            requestId: MARKS.requestId,
          };
          const neutral = await run(names, failing, marks);
          // Names change nothing of the library's text: with names found nowhere, the same reason, marks for marks.
          const nameless = await run({ firstName: 'Zyxwvq', lastName: 'Qvwxyz' }, failing, marks);
          const withheldMarks = nameless.reason.replace(/1111111111|2222222222|3333333333|4444444444/g, WITHHELD) + WITHHELD_NOTE;
          expect([nameless.reason, withheldMarks]).toContain(neutral.reason);
          // The neutral reason, cut at its marks, gives the library's text; the echoed one must be that text with
          // only the outside parts in between, each without any name.
          const library = neutral.reason.split(/1111111111|2222222222|3333333333|4444444444/);
          const escape = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
          const match = new RegExp(`^${library.map(escape).join('(.*?)')}$`, 's').exec(echoed.reason);
          expect(match).not.toBeNull();
          const all = [names.firstName, names.lastName];
          const withheld = mustWithhold(all.map((n) => n.normalize('NFC').trim()));
          for (const part of match!.slice(1)) {
            if (withheld) expect(part).toBe(WITHHELD);
            else
              for (const piece of part.split(REDACTED))
                for (const n of all) expect([piece, n, hasName(piece, n)]).toEqual([piece, n, false]);
          }
          // The one log line: the same as without the echo, but for the reason (the answered one) and the timing.
          const steady = (lines: Array<Record<string, unknown>>) => lines.map(({ reason: _r, elapsedMs: _e, ...rest }) => rest);
          expect(echoed.logs).toHaveLength(1);
          expect(echoed.logs[0].reason).toBe(echoed.reason);
          expect(steady(echoed.logs)).toEqual(steady(neutral.logs));
        },
      ),
      { numRuns: RUNS },
    );
  }, 60_000);
});
