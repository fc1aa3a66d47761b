/**
 * Where the construct finds the prebuilt handler bundle, and what it says when the bundle is not there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HANDLER_BUNDLE_DIR, handlerBundleDir } from '../../lib/handler-asset';

jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return { ...actual, existsSync: jest.fn(actual.existsSync) };
});
const realExistsSync = jest.requireActual<typeof import('node:fs')>('node:fs').existsSync;
afterEach(() => jest.mocked(fs.existsSync).mockImplementation(realExistsSync));

test('from source, the bundle is the one in the package root', () => {
  expect(handlerBundleDir()).toBe(path.resolve(__dirname, '..', '..', HANDLER_BUNDLE_DIR));
});

test('a missing bundle is an error naming both places looked in and the command that builds it', () => {
  const looked: string[] = [];
  jest.mocked(fs.existsSync).mockImplementation((p) => {
    looked.push(String(p));
    return false;
  });
  const root = path.resolve(__dirname, '..', '..');
  expect(() => handlerBundleDir()).toThrow(
    `The FinSpaceUserSettings handler bundle is missing (looked for index.js in ${path.join(root, HANDLER_BUNDLE_DIR)} and ` +
      `${path.join(root, '..', HANDLER_BUNDLE_DIR)}). In a checkout of this project, run \`npm run build:handler\``,
  );
  expect(looked).toEqual([path.join(root, HANDLER_BUNDLE_DIR, 'index.js'), path.join(root, '..', HANDLER_BUNDLE_DIR, 'index.js')]);
});
