// What parse/validate report about bad input. One shape for requests and responses so the edge
// can answer a 400 (or drop a bid) with the same fields: a machine-readable `code`, the JSON
// path of the offending `field` (e.g. `imp[0].banner.w`, `$` for the whole body) and a
// `message` that says what to fix. Bad input is not an error-log line (STYLE.md rule 10).
export const REQUEST_ERROR_CODES = [
  'invalid_json',
  'too_large',
  'too_deep',
  'too_many',
  'missing',
  'wrong_type',
  'invalid_value',
  'duplicate',
  'conflict',
] as const;
export type RequestErrorCode = (typeof REQUEST_ERROR_CODES)[number];

export interface RequestError {
  code: RequestErrorCode;
  /** JSON path of the field, `$` when the problem is the body itself. */
  field: string;
  message: string;
}

/** Beyond this many errors a body is hopeless; stop collecting so abuse stays cheap. */
export const MAX_ERRORS = 50;
