// Small typed readers over JSON.parse output. They validate in place: the parsed tree is ours,
// so readers check known fields, record errors with their JSON path and leave unknown fields
// alone (they are forwarded to DSPs as received). Absent optional fields stay absent.
import { MAX_ERRORS, type RequestError, type RequestErrorCode } from './errors.ts';

export type Obj = Record<string, unknown>;

export interface ReadCtx {
  errors: RequestError[];
}

export const newCtx = (): ReadCtx => ({ errors: [] });

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' || path === '$' ? key : `${path}.${key}`;
}

export function fail(ctx: ReadCtx, code: RequestErrorCode, field: string, message: string): void {
  if (ctx.errors.length < MAX_ERRORS) ctx.errors.push({ code, field: field || '$', message });
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function wrong(ctx: ReadCtx, path: string, want: string, v: unknown): void {
  fail(ctx, 'wrong_type', path, `${path} must be ${want}, got ${typeName(v)}`);
}

/** A string field; `required` records 'missing' when absent or empty. */
export function str(ctx: ReadCtx, o: Obj, key: string, path: string, required = false): string | undefined {
  const v = o[key];
  if (typeof v === 'string' && (v.length > 0 || !required)) return v;
  // Paths are built only for errors: valid fields (nearly all) make no garbage.
  const p = at(path, key);
  if (v === undefined) {
    if (required) fail(ctx, 'missing', p, `${p} is required`);
    return undefined;
  }
  if (typeof v !== 'string') wrong(ctx, p, 'a string', v);
  else fail(ctx, 'missing', p, `${p} must not be empty`);
  return undefined;
}

export interface NumOpts {
  min?: number;
  max?: number;
  integer?: boolean;
  required?: boolean;
}

const NO_OPTS: NumOpts = {};
const ZERO_ONE: NumOpts = { min: 0, max: 1 };

export function num(
  ctx: ReadCtx,
  o: Obj,
  key: string,
  path: string,
  opts: NumOpts = NO_OPTS,
): number | undefined {
  return readNum(ctx, o, key, path, opts, opts.integer === true);
}

export const int = (ctx: ReadCtx, o: Obj, key: string, path: string, opts: NumOpts = NO_OPTS) =>
  readNum(ctx, o, key, path, opts, true);

function readNum(
  ctx: ReadCtx,
  o: Obj,
  key: string,
  path: string,
  opts: NumOpts,
  integer: boolean,
): number | undefined {
  const v = o[key];
  if (v === undefined) {
    if (opts.required) {
      const p = at(path, key);
      fail(ctx, 'missing', p, `${p} is required`);
    }
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    wrong(ctx, at(path, key), integer ? 'an integer' : 'a finite number', v);
    return undefined;
  }
  if (integer && !Number.isSafeInteger(v)) {
    const p = at(path, key);
    fail(ctx, 'invalid_value', p, `${p} must be an integer, got ${v}`);
    return undefined;
  }
  if (opts.min !== undefined && v < opts.min) {
    const p = at(path, key);
    fail(ctx, 'invalid_value', p, `${p} must be >= ${opts.min}, got ${v}`);
    return undefined;
  }
  if (opts.max !== undefined && v > opts.max) {
    const p = at(path, key);
    fail(ctx, 'invalid_value', p, `${p} must be <= ${opts.max}, got ${v}`);
    return undefined;
  }
  return v;
}

/**
 * OpenRTB's 0/1 integer booleans. Some senders write JSON true/false instead; those are
 * normalized to 1/0 in place rather than rejected, since the meaning is unambiguous.
 */
export function flag(ctx: ReadCtx, o: Obj, key: string, path: string): 0 | 1 | undefined {
  const v = o[key];
  if (typeof v === 'boolean') {
    o[key] = v ? 1 : 0;
    return v ? 1 : 0;
  }
  return readNum(ctx, o, key, path, ZERO_ONE, true) as 0 | 1 | undefined;
}

export function obj(ctx: ReadCtx, o: Obj, key: string, path: string, required = false): Obj | undefined {
  const v = o[key];
  if (isObj(v)) return v;
  const p = at(path, key);
  if (v === undefined) {
    if (required) fail(ctx, 'missing', p, `${p} is required`);
  } else wrong(ctx, p, 'an object', v);
  return undefined;
}

export function arr(ctx: ReadCtx, o: Obj, key: string, path: string, maxLen = 1000): unknown[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    wrong(ctx, at(path, key), 'an array', v);
    return undefined;
  }
  if (v.length > maxLen) {
    const p = at(path, key);
    fail(ctx, 'too_many', p, `${p} has ${v.length} items, at most ${maxLen} allowed`);
    return undefined;
  }
  return v;
}

export function strArr(ctx: ReadCtx, o: Obj, key: string, path: string, maxLen = 1000): string[] | undefined {
  const a = arr(ctx, o, key, path, maxLen);
  if (!a) return undefined;
  const before = ctx.errors.length;
  for (let i = 0; i < a.length; i++)
    if (typeof a[i] !== 'string') wrong(ctx, at(at(path, key), i), 'a string', a[i]);
  return ctx.errors.length === before ? (a as string[]) : undefined;
}

export function intArr(ctx: ReadCtx, o: Obj, key: string, path: string, maxLen = 1000): number[] | undefined {
  const a = arr(ctx, o, key, path, maxLen);
  if (!a) return undefined;
  const before = ctx.errors.length;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) wrong(ctx, at(at(path, key), i), 'an integer', v);
  }
  return ctx.errors.length === before ? (a as number[]) : undefined;
}

/**
 * Validate each object in an array with `each`; non-objects are reported. `each` gets the context
 * so callers pass a module-level reader, not a closure made per call: workerd's full GCs drop the
 * optimized code of closures that are not alive then (docs/benchmarks.md, "Session 5").
 */
export function objArr(
  ctx: ReadCtx,
  o: Obj,
  key: string,
  path: string,
  each: (ctx: ReadCtx, item: Obj, path: string) => void,
  maxLen = 1000,
): unknown[] | undefined {
  // The items are returned as unknown: non-objects were reported but are still in the array,
  // so a caller that walks them again must check each one.
  const a = arr(ctx, o, key, path, maxLen);
  if (!a) return undefined;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    const p = at(at(path, key), i);
    if (isObj(v)) each(ctx, v, p);
    else wrong(ctx, p, 'an object', v);
  }
  return a;
}

/**
 * Move `o.ext[key]` to `o[key]` (the 2.5 ext location to its 2.6 home) when the 2.6 field is
 * absent, and remove it from ext either way so one place holds the value: scrubbing a field
 * must not leave a copy behind in ext.
 */
export function lift(o: Obj, key: string, extKey = key): void {
  const ext = o.ext;
  if (!isObj(ext) || !(extKey in ext)) return;
  if (o[key] === undefined) o[key] = ext[extKey];
  delete ext[extKey];
}

/** Fields that only make sense together (w and h): one without the other is reported missing. */
export function pair(ctx: ReadCtx, o: Obj, a: string, b: string, path: string): void {
  if ((o[a] === undefined) === (o[b] === undefined)) return;
  const absent = o[a] === undefined ? a : b;
  const present = absent === a ? b : a;
  fail(ctx, 'missing', at(path, absent), `${at(path, absent)} is required when ${present} is set`);
}
