/**
 * The custom resource's properties, as CloudFormation delivers them (resolved, all strings), checked against
 * the model's rules before any API call. The property names are UpdateUser's own member names.
 */
import { checkField, SETTING_FIELDS, type UserSettings } from '../lib/finspace-rules';
import { ON_DELETE_PROPERTY } from '../lib/handler-contract';
import { ComposedError } from './outside-text';

export interface UserSettingsRequest {
  readonly environmentId: string;
  readonly userId: string;
  /** Sent on Create and Update; an absent member is not sent. */
  readonly settings: UserSettings;
  /** Sent on Delete, when present. */
  readonly onDelete?: UserSettings;
}

/** The properties break the rules; the message lists every problem (in the library's words: no name is ever shown). */
export class InvalidPropertiesError extends ComposedError {
  constructor(
    readonly problems: readonly string[],
    /** Whether the properties carry onDelete at all, valid or not. */
    readonly declaresOnDelete = false,
  ) {
    super([`Invalid FinSpaceUserSettings properties: ${problems.join(' ')}`]);
    this.name = 'InvalidPropertiesError';
  }
}

/** Properties as parsed: the request they make, or every rule they break. */
export type ParsedProperties = UserSettingsRequest | InvalidPropertiesError;

/** The request the properties make; throws their InvalidPropertiesError when they break the rules. */
export function valid(properties: ParsedProperties): UserSettingsRequest {
  if (properties instanceof InvalidPropertiesError) throw properties;
  return properties;
}

// CloudFormation passes the template's ServiceToken and ServiceTimeout along with the properties.
const CLOUDFORMATION_PROPERTIES = ['ServiceToken', 'ServiceTimeout'];
const KNOWN = new Set<string>([...CLOUDFORMATION_PROPERTIES, 'environmentId', 'userId', ON_DELETE_PROPERTY, ...SETTING_FIELDS]);

function readSettings(source: Record<string, unknown>, prefix: string, problems: string[]): UserSettings {
  const settings: { [K in keyof UserSettings]: string } = {};
  for (const field of SETTING_FIELDS) {
    const value = source[field];
    if (value === undefined) continue;
    const problem = checkField(field, value, `${prefix}${field}`);
    if (problem) problems.push(problem);
    else settings[field] = value as string;
  }
  return settings;
}

/** A JSON object (not null, not an array): the only shape properties and envelopes may take. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks the properties of an event against the model's rules: the request, or an error naming every broken rule. */
export function parseProperties(properties: unknown): ParsedProperties {
  if (!isRecord(properties)) return new InvalidPropertiesError(['ResourceProperties must be an object.']);
  const problems: string[] = [];
  const unknown = Object.keys(properties).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) {
    problems.push(
      `Unknown properties ${unknown.map((k) => JSON.stringify(k)).join(', ')}; allowed: ${[...KNOWN].filter((k) => !CLOUDFORMATION_PROPERTIES.includes(k)).join(', ')}.`,
    );
  }
  for (const field of ['environmentId', 'userId'] as const) {
    if (properties[field] === undefined) problems.push(`${field} is required.`);
    else {
      const problem = checkField(field, properties[field]);
      if (problem) problems.push(problem);
    }
  }
  const settings = readSettings(properties, '', problems);
  let onDelete: UserSettings | undefined;
  const onDeleteValue = properties[ON_DELETE_PROPERTY];
  if (onDeleteValue !== undefined) {
    if (!isRecord(onDeleteValue)) {
      problems.push('onDelete must be an object of settings.');
    } else {
      const extra = Object.keys(onDeleteValue).filter((k) => !(SETTING_FIELDS as readonly string[]).includes(k));
      if (extra.length > 0)
        problems.push(
          `Unknown onDelete properties ${extra.map((k) => JSON.stringify(k)).join(', ')}; allowed: ${SETTING_FIELDS.join(', ')}.`,
        );
      onDelete = readSettings(onDeleteValue, `${ON_DELETE_PROPERTY}.`, problems);
    }
  }
  if (problems.length > 0) return new InvalidPropertiesError(problems, onDeleteValue !== undefined);
  return {
    environmentId: properties.environmentId as string,
    userId: properties.userId as string,
    settings,
    onDelete,
  };
}
