/**
 * Which ResponseURLs the handler answers, at the edges of its configuration: a stand-in is an origin and nothing
 * more; the region and the AWS domain are read as Lambda and CloudFormation may spell them; credentials in the URL are
 * refused, either of them alone.
 */
import { responseUrlProblem } from '../../lambda/response-url';

const BUCKET_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws/req?X-Amz-Signature=abc';
const rules = (overrides: { urlSuffix?: string; standIn?: string; region?: string } = {}) => ({
  urlSuffix: 'amazonaws.com',
  standIn: '',
  region: 'us-east-1',
  ...overrides,
});

test.each([
  ['a path', 'http://127.0.0.1:9000/answers'],
  ['a query', 'http://127.0.0.1:9000/?x=1'],
  ['a fragment', 'http://127.0.0.1:9000/#x'],
  ['a user name', 'http://u@127.0.0.1:9000'],
  ['a password', 'http://:p@127.0.0.1:9000'],
])('a stand-in with %s is no origin, so its host is not answered', (_case, standIn) => {
  expect(responseUrlProblem('http://127.0.0.1:9000/r', rules({ standIn }))).toMatch(/^The ResponseURL is not/);
  expect(responseUrlProblem('http://127.0.0.1:9000/r', rules({ standIn: 'http://127.0.0.1:9000' }))).toBeUndefined();
});

test('a stand-in whose URL has no origin (a scheme other than http and https) matches no ResponseURL', () => {
  expect(responseUrlProblem('foo://other/r', rules({ standIn: 'foo://bar' }))).toMatch(/^The ResponseURL is not/);
});

test('the region may come with spaces around it; the AWS domain with leading dots', () => {
  expect(responseUrlProblem(BUCKET_URL, rules({ region: ' us-east-1 ' }))).toBeUndefined();
  expect(responseUrlProblem(BUCKET_URL, rules({ urlSuffix: '.amazonaws.com' }))).toBeUndefined();
  expect(responseUrlProblem(BUCKET_URL, rules({ urlSuffix: '..amazonaws.com' }))).toBeUndefined();
});

test.each([
  ['a user name', 'https://someone@cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x'],
  ['a password alone', 'https://:secret@cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x'],
])('a ResponseURL with %s is refused as such, even on the response bucket', (_case, url) => {
  expect(responseUrlProblem(url, rules())).toBe('The ResponseURL carries a user name or password, which CloudFormation never sends.');
});
