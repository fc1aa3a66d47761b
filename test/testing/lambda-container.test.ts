/** Which container a handler gets: the emulator where AWS's pieces are, the imitation where not or when asked for. */
import { createLambdaContainer, lambdaRuntimeMode } from '../../testing/lambda-container';
import { LocalLambda } from '../../testing/local-lambda';
import { RuntimeEmulatorLambda } from '../../testing/runtime-emulator';
import { handlerFolder } from '../support/lambda-containers';

const folder = handlerFolder('exports.handler = async () => undefined;');
afterAll(() => folder.remove());
const pieces = { rie: '/x/aws-lambda-rie', ricEntry: '/x/index.mjs', rieVersion: 'v1', ricVersion: '4.0.2' };
// The choice these tests make, not the one this run's environment asks for (CI asks for the emulator).
const asked = process.env.FINSPACE_LOCAL_LAMBDA_RUNTIME;
beforeEach(() => delete process.env.FINSPACE_LOCAL_LAMBDA_RUNTIME);
afterAll(() =>
  asked === undefined ? delete process.env.FINSPACE_LOCAL_LAMBDA_RUNTIME : (process.env.FINSPACE_LOCAL_LAMBDA_RUNTIME = asked),
);

test('the emulator when its pieces are here, the imitation when they are not or when asked for', () => {
  expect(createLambdaContainer(folder.spec(), { choice: { pieces } })).toBeInstanceOf(RuntimeEmulatorLambda);
  expect(createLambdaContainer(folder.spec(), { choice: { reason: 'no Go' } })).toBeInstanceOf(LocalLambda);
  expect(createLambdaContainer(folder.spec(), { choice: { pieces }, mode: 'imitation' })).toBeInstanceOf(LocalLambda);
  expect([lambdaRuntimeMode({ pieces }), lambdaRuntimeMode({ reason: 'no Go' })]).toEqual(['emulator', 'imitation']);
});

test('asking for the emulator where it is not is an error that says why', () => {
  expect(() => createLambdaContainer(folder.spec(), { choice: { reason: 'no Go here' }, mode: 'emulator' })).toThrow(
    'the runtime interface emulator was asked for, but no Go here',
  );
});
