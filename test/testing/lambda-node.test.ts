/**
 * Which Node.js runs the handler locally: the runtime's major when one can be had, and a plain word when not.
 */
import * as path from 'node:path';
import { describeLambdaNode, inCheckout, missingNodeFix, nodeForRuntime } from '../../testing/lambda-node';

test('nodejs24.x runs on a Node.js 24 binary (fetched by the install step), whatever runs the tests', () => {
  const node = nodeForRuntime('nodejs24.x');
  expect(node).toMatchObject({ runtime: 'nodejs24.x', matchesRuntime: true });
  expect(node.version).toMatch(/^24\.\d+\.\d+$/);
  expect(describeLambdaNode(node)).toBe(`Node.js ${node.version} (the template's nodejs24.x)`);
});

test('a binary named by FINSPACE_LOCAL_LAMBDA_NODE is used when its major matches', () => {
  const major = process.versions.node.split('.')[0];
  const node = nodeForRuntime(`nodejs${major}.x`, { FINSPACE_LOCAL_LAMBDA_NODE: process.execPath });
  expect(node).toMatchObject({ path: process.execPath, version: process.versions.node, matchesRuntime: true });
});

test('without a matching binary it says so plainly and falls back to the running Node.js', () => {
  const node = nodeForRuntime('nodejs99.x');
  expect(node).toMatchObject({ path: process.execPath, version: process.versions.node, matchesRuntime: false });
  expect(describeLambdaNode(node)).toBe(
    `Node.js ${process.versions.node}, NOT the template's nodejs99.x: no Node.js 99 binary was found for ${process.platform}-${process.arch} ` +
      `(run npm ci in this project to fetch one, or set FINSPACE_LOCAL_LAMBDA_NODE to a node 99 binary); running on Node.js ${process.versions.node} instead`,
  );
  expect(nodeForRuntime('python3.13')).toMatchObject({
    matchesRuntime: false,
    note: 'python3.13 is not a Node.js runtime this runner knows',
  });
});

test("a consumer of the published package is told what works for them, not this project's npm ci", () => {
  expect(inCheckout(path.join(__dirname, '..', '..', 'testing'))).toBe(true);
  expect(inCheckout(path.join(__dirname, '..', '..', 'node_modules', 'finspace-user-settings', 'dist', 'testing'))).toBe(false);
  expect(missingNodeFix('24', false)).toBe(
    "run the runner on Node.js 24: npx -y -p node@24 -c 'finspace-user-settings-local cdk.out' fetches it from the npm registry; " +
      'or set FINSPACE_LOCAL_LAMBDA_NODE to a node 24 binary',
  );
  expect(missingNodeFix('24', true)).toBe('run npm ci in this project to fetch one, or set FINSPACE_LOCAL_LAMBDA_NODE to a node 24 binary');
});
