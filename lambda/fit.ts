/**
 * Cutting text to a size in bytes, by code points (never half a surrogate pair): a binary search for the longest
 * start that fits, since the size grows with the length.
 */

/** The most code points of `text` that `fits` accepts (0 when none do), and the prefix they make. */
export function longestFittingPrefix(text: string, fits: (prefix: string) => boolean): string {
  const codePoints = Array.from(text);
  let low = 0; // fits (or is empty)
  let high = codePoints.length; // the most that could fit
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(codePoints.slice(0, mid).join(''))) low = mid;
    else high = mid - 1;
  }
  return codePoints.slice(0, low).join('');
}

/** The first `n` UTF-16 code units of `text`, one fewer when the last would be half of a surrogate pair. */
export function head(text: string, n: number): string {
  if (text.length <= n) return text;
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/** Bytes of `value` once JSON-serialized, as it is sent or logged. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

/**
 * The longest start of `text` whose rendering (`bytesOf`, the size of what is sent or logged with it) takes at most
 * `maxBytes`. Only the first 2 × maxBytes code units are tried: no more than maxBytes code points can fit, each
 * taking a byte at least and two code units at most.
 */
export function longestPrefixWithin(text: string, maxBytes: number, bytesOf: (prefix: string) => number): string {
  return longestFittingPrefix(head(text, 2 * maxBytes), (prefix) => bytesOf(prefix) <= maxBytes);
}

/** `text` itself when its JSON form fits in `maxBytes`, else the longest prefix that fits with `mark` after it. */
export function clipToJsonBytes(text: string, maxBytes: number, mark = '…'): string {
  if (jsonBytes(text) <= maxBytes) return text;
  return `${longestPrefixWithin(text, maxBytes, (prefix) => jsonBytes(`${prefix}${mark}`))}${mark}`;
}
