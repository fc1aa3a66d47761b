/**
 * What the handler quotes of an event, and what it says when it does not know its own stack, word for word.
 */
import { RESOURCE_TYPE, STACK_ID_ENV } from '../../lib/handler-contract';
import { bindingProblem, shortened } from '../../lambda/envelope';

test('a value is quoted whole up to 128 code points, cut after them with a mark', () => {
  expect(shortened('a'.repeat(128))).toBe('a'.repeat(128));
  expect(shortened('a'.repeat(129))).toBe(`${'a'.repeat(128)}…`);
  expect(shortened('\u{1F600}'.repeat(600))).toBe(`${'\u{1F600}'.repeat(128)}…`);
});

test('a handler that does not know its stack says so, what sets it, and that nothing was changed', () => {
  expect(bindingProblem({ ResourceType: RESOURCE_TYPE, StackId: 'arn:aws:cloudformation:us-east-1:1:stack/S/1' }, undefined)).toBe(
    `This handler does not know which stack it serves: its environment variable ${STACK_ID_ENV} is not set, and it answers only ` +
      "the requests of its own stack. Deploy it with the FinSpaceUserSettingsProvider construct, which sets it to the stack's id " +
      '(Ref AWS::StackId). Nothing was changed in FinSpace.',
  );
});
