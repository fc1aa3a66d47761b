/**
 * The FinSpace Data API's constraints on UpdateUser, as the service model (finspace-data 2020-07-13) states them: the
 * one source for the construct's synth-time check and the handler's deploy-time check. Imports nothing (the handler
 * bundle includes it).
 */

/** The closed set of FinSpace user types (model shape `UserType`). */
export const USER_TYPE_VALUES = ['SUPER_USER', 'APP_USER'] as const;
/** The closed set of API access settings (model shape `ApiAccess`). */
export const API_ACCESS_VALUES = ['ENABLED', 'DISABLED'] as const;

/** The UpdateUser members this project sets, plus the ids that address the call. */
export type FieldName = 'environmentId' | 'userId' | 'type' | 'firstName' | 'lastName' | 'apiAccess' | 'apiAccessPrincipalArn';

interface RuleText {
  /** The rule in words, as an error message states it. */
  readonly rule: string;
  /** What to do about a bad value. */
  readonly hint: string;
  /** The model marks the member sensitive: its value is never echoed. */
  readonly sensitive?: boolean;
}

interface StringRule extends RuleText {
  readonly min: number;
  readonly max: number;
  readonly pattern?: RegExp;
}

interface EnumRule extends RuleText {
  readonly values: readonly string[];
}

type Rule = StringRule | EnumRule;

/** "Has a non-whitespace character": a Smithy pattern is an ECMA-262 regular expression, not implicitly anchored. */
const NON_BLANK = /.*\S.*/;

/** Model shape `RoleArn`: IAM roles only (no IAM users, no STS assumed-role sessions). */
// eslint-disable-next-line no-useless-escape -- the service model's pattern, verbatim
export const ROLE_ARN_PATTERN = /^arn:aws[a-z\-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

export const RULES: Readonly<Record<FieldName, Rule>> = {
  environmentId: {
    min: 1,
    max: 26,
    rule: '1 to 26 characters',
    hint: "Use the FinSpace environment id: the subdomain of the environment's sign-in URL.",
  },
  userId: {
    min: 1,
    max: 26,
    pattern: NON_BLANK,
    rule: '1 to 26 characters with at least one non-whitespace character',
    hint: 'Use the id FinSpace assigned to the existing user (GetUser/ListUsers return it).',
  },
  type: {
    values: USER_TYPE_VALUES,
    rule: `one of ${USER_TYPE_VALUES.join(', ')}`,
    hint: 'Use FinSpaceUserType.SUPER_USER or FinSpaceUserType.APP_USER.',
  },
  firstName: {
    min: 1,
    max: 50,
    pattern: NON_BLANK,
    sensitive: true,
    rule: '1 to 50 characters with at least one non-whitespace character',
    hint: 'Give a non-blank name of at most 50 characters, or omit the setting to leave the name unchanged.',
  },
  lastName: {
    min: 1,
    max: 50,
    pattern: NON_BLANK,
    sensitive: true,
    rule: '1 to 50 characters with at least one non-whitespace character',
    hint: 'Give a non-blank name of at most 50 characters, or omit the setting to leave the name unchanged.',
  },
  apiAccess: {
    values: API_ACCESS_VALUES,
    rule: `one of ${API_ACCESS_VALUES.join(', ')}`,
    hint: 'Use ApiAccess.ENABLED or ApiAccess.DISABLED.',
  },
  apiAccessPrincipalArn: {
    min: 20,
    max: 2048,
    pattern: ROLE_ARN_PATTERN,
    rule: `an IAM role ARN of 20 to 2048 characters matching ${ROLE_ARN_PATTERN.source}`,
    hint: 'Pass an IAM role (arn:<partition>:iam::<12-digit account>:role/<name>); IAM users and STS assumed-role ARNs are not accepted.',
  },
};

/** Length as Smithy counts it: Unicode code points, not UTF-16 code units. */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function shownValue(value: string, sensitive: boolean | undefined): string {
  if (sensitive) return '(value hidden: the model marks it sensitive)';
  const chars = [...value];
  return JSON.stringify(chars.length > 64 ? `${chars.slice(0, 64).join('')}…` : value);
}

function describeNonString(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Checks one value against its rule. Returns the error message (naming `label`, the value unless it is
 * sensitive, the rule and what to do), or undefined when the value is valid.
 *
 * @param label the name the user knows the value by (a construct prop, or an event property)
 */
export function checkField(field: FieldName, value: unknown, label: string = field): string | undefined {
  const rule = RULES[field];
  if (typeof value !== 'string') {
    return `${label} must be a string, but got ${describeNonString(value)}; FinSpace requires ${rule.rule}. ${rule.hint}`;
  }
  let problem: string | undefined;
  if ('values' in rule) {
    if (!rule.values.includes(value)) problem = 'is not an allowed value';
  } else {
    const length = codePointLength(value);
    if (length < rule.min || length > rule.max) {
      problem = `has ${length} characters`;
    } else if (rule.pattern && !rule.pattern.test(value)) {
      problem = rule.pattern === NON_BLANK ? `is blank (${length} whitespace characters)` : 'does not match the pattern';
    }
  }
  if (!problem) return undefined;
  return `${label} ${shownValue(value, rule.sensitive)} ${problem}; FinSpace requires ${rule.rule}. ${rule.hint}`;
}

/** The settings UpdateUser takes besides the user id (the wire names of the model). */
export const SETTING_FIELDS = ['type', 'firstName', 'lastName', 'apiAccess', 'apiAccessPrincipalArn'] as const;
export type SettingField = (typeof SETTING_FIELDS)[number];
export type UserSettings = Partial<Record<SettingField, string>>;

/** Whether a member is one the model marks sensitive (its value must never be echoed). */
export function isSensitive(field: FieldName): boolean {
  return RULES[field].sensitive === true;
}
