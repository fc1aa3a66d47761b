/**
 * Which ResponseURLs the handler answers: only CloudFormation's pre-signed https URLs of its response bucket in the
 * stack's region and partition (or a configured local stand-in). To any other, nothing is sent. README: "Threat model".
 */
import { RESPONSE_URL_STAND_IN_ENV, URL_SUFFIX_ENV } from '../lib/handler-contract';

/** When the function has no URL_SUFFIX_ENV (the construct always sets it): the domain of the aws partition. */
export const DEFAULT_URL_SUFFIX = 'amazonaws.com';

/** CloudFormation's response bucket of a region is named this, then the region without its dashes (useast1). */
export const RESPONSE_BUCKET_PREFIX = 'cloudformation-custom-resource-response-';

export interface ResponseUrlRules {
  /** The partition's AWS domain. @default the function's URL_SUFFIX_ENV, else amazonaws.com */
  readonly urlSuffix?: string;
  /** The origin of a local stand-in for CloudFormation. @default the function's RESPONSE_URL_STAND_IN_ENV, if any */
  readonly standIn?: string;
  /** The function's region, which names CloudFormation's response bucket. @default AWS_REGION; without one, any region's */
  readonly region?: string;
}

/** The rules from the function's environment, for whatever `rules` does not say. */
export function responseUrlRules(rules: ResponseUrlRules = {}, env: NodeJS.ProcessEnv = process.env): Required<ResponseUrlRules> {
  return {
    urlSuffix: rules.urlSuffix ?? env[URL_SUFFIX_ENV] ?? '',
    standIn: rules.standIn ?? env[RESPONSE_URL_STAND_IN_ENV] ?? '',
    region: rules.region ?? env.AWS_REGION ?? '',
  };
}

/** An origin (scheme://host[:port]) as URL gives it, or undefined for anything that is not one. */
function originOf(standIn: string): string | undefined {
  if (!URL.canParse(standIn)) return undefined;
  const url = new URL(standIn);
  const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  // Stryker disable next-line ConditionalExpression, StringLiteral: Not worth a test: only a stand-in of another scheme written with a path of / (foo://host/) has the origin "null", and the construct refuses any stand-in that is not an http(s) origin at synth time.
  return bare && url.origin !== 'null' ? url.origin : undefined;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A region as S3's host names carry it: us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1. */
const REGION = '[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2}';

/**
 * S3's endpoint labels, from "s3" to the partition's domain: s3, s3.<region>, s3-<region>, s3-external-1,
 * s3.dualstack.<region>, s3-fips.<region>, s3-fips.dualstack.<region>. Nothing but region-shaped labels, so no name
 * another service lets an account choose (an API, a load balancer, a VPC endpoint, with their wildcard DNS) fits.
 */
const S3_ENDPOINT = `s3(?:-external-1|-${REGION}|(?:-fips)?(?:\\.dualstack)?\\.${REGION})?`;

/** The response bucket's name, or what stands for it in a message, and a pattern of it. */
function responseBucket(region: string): { name: string; pattern: string } {
  const compact = region.trim().toLowerCase().replace(/-/g, '');
  if (compact === '') return { name: `${RESPONSE_BUCKET_PREFIX}<region>`, pattern: `${escapeRegExp(RESPONSE_BUCKET_PREFIX)}[a-z0-9]+` };
  return { name: `${RESPONSE_BUCKET_PREFIX}${compact}`, pattern: escapeRegExp(`${RESPONSE_BUCKET_PREFIX}${compact}`) };
}

/**
 * Why the handler must not answer `responseUrl`, or undefined when it may: an https URL without a port of
 * CloudFormation's response bucket on S3 under the partition's AWS domain, virtual-hosted
 * (<bucket>.s3[.<region>].<domain>) or path-style (s3[.<region>].<domain>/<bucket>/...); or one whose origin is
 * exactly the configured stand-in's. The reason never quotes the URL.
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
  // Stryker disable next-line ConditionalExpression: Equivalent: a ResponseURL's origin is a string, never undefined, so it never equals a missing stand-in.
  if (standIn !== undefined && url.origin === standIn) return undefined;
  const suffix = (rules.urlSuffix.trim() || DEFAULT_URL_SUFFIX).toLowerCase().replace(/^\.+/, '');
  const bucket = responseBucket(rules.region);
  if (url.protocol === 'https:' && url.port === '') {
    const domain = escapeRegExp(suffix);
    if (new RegExp(`^${bucket.pattern}\\.${S3_ENDPOINT}\\.${domain}$`).test(url.hostname)) return undefined;
    // Stryker disable next-line StringLiteral: No test runs it, and no URL can: an http(s) URL's path always starts with '/', so it always has a first segment.
    const firstSegment = url.pathname.split('/')[1] ?? '';
    if (new RegExp(`^${S3_ENDPOINT}\\.${domain}$`).test(url.hostname) && new RegExp(`^${bucket.pattern}$`).test(firstSegment))
      return undefined;
  }
  return (
    `The ResponseURL is not CloudFormation's: it must be an https URL, without a port, of CloudFormation's response bucket ` +
    `${bucket.name} on S3 under ${suffix} (the partition's AWS domain)` +
    `${standIn ? `, or have the origin ${standIn} (the configured stand-in)` : ''}. The event is not from CloudFormation, or the ` +
    `handler is run by a local stand-in without ${RESPONSE_URL_STAND_IN_ENV} set to its origin.`
  );
}
