// JSON.parse with the abuse checks an internet-facing parser needs. V8's JSON.parse recurses,
// so a body of 100k '[' could exhaust the stack; a linear pre-scan rejects deep nesting (and
// oversized bodies) before parsing. Never throws.
import { err, ok, type Result } from '../result.ts';
import type { RequestError } from './errors.ts';

export interface JsonLimits {
  /** Max body length in UTF-16 code units (the edge caps bytes before this). */
  maxChars: number;
  /** Max nesting of objects/arrays; a BidRequest needs about 8. */
  maxDepth: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxChars: 256 * 1024, maxDepth: 32 };

/** Deepest nesting of the JSON text, or -1 as soon as it passes `limit`. Ignores string contents. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > limit) return -1;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

export function safeJsonParse(
  text: string,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): Result<unknown, RequestError> {
  if (typeof text !== 'string')
    return err({ code: 'invalid_json', field: '$', message: 'body must be text' });
  if (text.length > limits.maxChars)
    return err({
      code: 'too_large',
      field: '$',
      message: `body is ${text.length} characters, at most ${limits.maxChars} allowed`,
    });
  if (jsonDepth(text, limits.maxDepth) < 0)
    return err({ code: 'too_deep', field: '$', message: `JSON nests deeper than ${limits.maxDepth} levels` });
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    const detail = e instanceof Error ? e.message : 'syntax error';
    return err({ code: 'invalid_json', field: '$', message: `body is not valid JSON: ${detail}` });
  }
}
