/**
 * Which ResponseURLs the handler answers. CloudFormation's is always an https pre-signed URL of its own S3 bucket, on
 * the AWS domain of the partition (Ref AWS::URLSuffix). Anything else would make a forged event a way to send requests
 * from inside the function's network (the instance metadata service, hosts in its VPC, any site): so no request at
 * all goes to it, and the URL itself, a credential, is never logged.
 */
import { RESPONSE_URL_STAND_IN_ENV, URL_SUFFIX_ENV } from '../lib/handler-contract';

/** When the function has no URL_SUFFIX_ENV (the construct always sets it): the domain of the aws partition. */
export const DEFAULT_URL_SUFFIX = 'amazonaws.com';

export interface ResponseUrlRules {
  /** The partition's AWS domain. @default the function's URL_SUFFIX_ENV, else amazonaws.com */
  readonly urlSuffix?: string;
  /** The origin of a local stand-in for CloudFormation. @default the function's RESPONSE_URL_STAND_IN_ENV, if any */
  readonly standIn?: string;
}

/** The rules from the function's environment, for whatever `rules` does not say. */
export function responseUrlRules(rules: ResponseUrlRules = {}, env: NodeJS.ProcessEnv = process.env): Required<ResponseUrlRules> {
  return {
    urlSuffix: rules.urlSuffix ?? env[URL_SUFFIX_ENV] ?? '',
    standIn: rules.standIn ?? env[RESPONSE_URL_STAND_IN_ENV] ?? '',
  };
}

/** An origin (scheme://host[:port]) as URL gives it, or undefined for anything that is not one. */
function originOf(standIn: string): string | undefined {
  try {
    const url = new URL(standIn);
    const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
    return bare && url.origin !== 'null' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the handler must not answer `responseUrl`, or undefined when it may: an https URL on a host under the
 * partition's AWS domain, or one whose origin is exactly the configured stand-in's. The reason never quotes the URL.
 */
export function responseUrlProblem(responseUrl: string, rules: Required<ResponseUrlRules>): string | undefined {
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    return 'The ResponseURL is not a URL.';
  }
  if (url.username !== '' || url.password !== '')
    return 'The ResponseURL carries a user name or password, which CloudFormation never sends.';
  const standIn = originOf(rules.standIn);
  if (standIn !== undefined && url.origin === standIn) return undefined;
  const suffix = (rules.urlSuffix.trim() || DEFAULT_URL_SUFFIX).toLowerCase().replace(/^\.+/, '');
  if (url.protocol === 'https:' && url.hostname.endsWith(`.${suffix}`)) return undefined;
  return (
    `The ResponseURL is not CloudFormation's: it must be an https URL on a host under ${suffix} (the partition's AWS domain)` +
    `${standIn ? ` or have the origin ${standIn} (the configured stand-in)` : ''}. The event is not from CloudFormation, or the ` +
    `handler is run by a local stand-in without ${RESPONSE_URL_STAND_IN_ENV} set to its origin.`
  );
}
