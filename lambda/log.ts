/**
 * The handler's log lines: one JSON object each, at most 4 KB whatever an event holds. Under Lambda's JSON log format
 * a lone object becomes the line's `message`, so Logs Insights reads message.<field>. README: "Audit trail".
 */
import { clipToJsonBytes, jsonBytes, longestPrefixWithin } from './fit';

/** No line the handler writes is longer. */
export const MAX_LOG_LINE_BYTES = 4096;
/** What the handler's own object may take of it: Lambda's JSON format wraps it in about 130 bytes of its own. */
export const MAX_LOG_RECORD_BYTES = 3840;

export type LogLevel = 'INFO' | 'WARN' | 'ERROR';
export type LogRecord = Record<string, unknown>;

/** Every string in `value` (at any depth) but `keep`'s, clipped to `maxBytes` of JSON. */
function clipStrings(value: unknown, maxBytes: number, keep?: string): unknown {
  if (typeof value === 'string') return clipToJsonBytes(value, maxBytes);
  if (Array.isArray(value)) return value.map((item) => clipStrings(item, maxBytes));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, key === keep ? item : clipStrings(item, maxBytes)]));
  }
  return value;
}

/** The record with as much of its `reason` as fits in `maxBytes`, or undefined when even none fits. */
function withFittingReason(record: LogRecord, maxBytes: number): LogRecord | undefined {
  if (jsonBytes(record) <= maxBytes) return record;
  // Stryker disable next-line ConditionalExpression: Equivalent: a record without a reason that does not fit does not fit with a reason added either, so the next check gives up the same way.
  if (typeof record.reason !== 'string') return undefined;
  const cut = (reason: string) => ({ ...record, reason: `${reason} [truncated]` });
  if (jsonBytes(cut('')) > maxBytes) return undefined;
  return cut(longestPrefixWithin(record.reason, maxBytes, (reason) => jsonBytes(cut(reason))));
}

/**
 * The record cut to `maxBytes` of JSON: first the reason is shortened, then every other string too; a record that
 * still cannot fit (only a forged event's fields could make one) keeps its level, message and audit mark, with a note.
 */
export function fitRecord(record: LogRecord, maxBytes: number = MAX_LOG_RECORD_BYTES): LogRecord {
  for (const fieldBytes of [Infinity, 512, 96]) {
    const fitted = withFittingReason(fieldBytes === Infinity ? record : (clipStrings(record, fieldBytes, 'reason') as LogRecord), maxBytes);
    if (fitted) return fitted;
  }
  const { level, message, audit, outcome, delivered } = record;
  return clipStrings({ level, message, audit, outcome, delivered, note: 'the record was too large to log' }, 96) as LogRecord;
}

/** Writes one log line at `level` (ERROR and WARN to stderr through console.error and console.warn). */
export function log(level: LogLevel, record: LogRecord): void {
  const fitted = fitRecord({ level, ...record });
  const write = level === 'ERROR' ? console.error : level === 'WARN' ? console.warn : console.info;
  write(process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON' ? fitted : JSON.stringify(fitted));
}
