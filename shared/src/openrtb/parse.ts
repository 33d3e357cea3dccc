// parseBidRequest: body text -> a validated, normalized OpenRTB 2.6 BidRequest (2.5 accepted),
// or every problem found, each naming its JSON path. Never throws. ext is read once here: the
// 2.5 ext locations of gdpr, us_privacy, gpp, consent, eids and schain are lifted into their
// 2.6 fields (and removed from ext) so nothing downstream parses ext again.
import { err, ok, type Result } from '../result.ts';
import { readApp } from './app.ts';
import type { BidRequest } from './bid-request.ts';
import { isCurrencyCode } from './currency.ts';
import { readDevice } from './device.ts';
import { readDooh } from './dooh.ts';
import type { RequestError } from './errors.ts';
import { readImp } from './imp.ts';
import {
  at,
  fail,
  flag,
  int,
  isObj,
  newCtx,
  type Obj,
  obj,
  objArr,
  type ReadCtx,
  str,
  strArr,
} from './read.ts';
import { readRegs } from './regs.ts';
import { DEFAULT_JSON_LIMITS, type JsonLimits, safeJsonParse } from './safe-json.ts';
import { readSite } from './site.ts';
import { readSource } from './source.ts';
import { readUser } from './user.ts';

export interface ParseLimits extends JsonLimits {
  maxImps: number;
  /** tmax outside [minTmaxMs, maxTmaxMs] is rejected as not sane. */
  minTmaxMs: number;
  maxTmaxMs: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  ...DEFAULT_JSON_LIMITS,
  maxImps: 100,
  minTmaxMs: 1,
  maxTmaxMs: 30_000,
};

export interface ParsedBidRequest {
  /** Validated request, ext lifted into 2.6 fields, spec defaults the auction reads filled in. */
  request: BidRequest;
}

export function parseBidRequest(
  body: string,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): Result<ParsedBidRequest, RequestError[]> {
  const json = safeJsonParse(body, limits);
  if (!json.ok) return err([json.error]);
  return validateBidRequest(json.value, limits);
}

/** Validate an already-parsed JSON value (mutates it in place: lifting and defaults). */
export function validateBidRequest(
  value: unknown,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): Result<ParsedBidRequest, RequestError[]> {
  if (!isObj(value))
    return err([{ code: 'wrong_type', field: '$', message: 'a BidRequest must be a JSON object' }]);
  const ctx = newCtx();
  readBidRequest(ctx, value, limits);
  if (ctx.errors.length > 0) return err(ctx.errors);
  return ok({ request: value as unknown as BidRequest });
}

const CHANNELS = ['site', 'app', 'dooh'] as const;

function readBidRequest(ctx: ReadCtx, o: Obj, limits: ParseLimits): void {
  str(ctx, o, 'id', '', true);
  readImps(ctx, o, limits);

  const channels: string[] = [];
  for (const k of CHANNELS) if (o[k] !== undefined) channels.push(k);
  if (channels.length === 0) fail(ctx, 'missing', 'site', 'a request needs exactly one of site, app or dooh');
  if (channels.length > 1)
    fail(
      ctx,
      'conflict',
      channels[1] ?? 'app',
      `a request must carry only one of site, app or dooh, got ${channels.join(' and ')}`,
    );
  const site = obj(ctx, o, 'site', '');
  if (site) readSite(ctx, site, 'site');
  const app = obj(ctx, o, 'app', '');
  if (app) readApp(ctx, app, 'app');
  const dooh = obj(ctx, o, 'dooh', '');
  if (dooh) readDooh(ctx, dooh, 'dooh');

  const device = obj(ctx, o, 'device', '');
  if (device) readDevice(ctx, device, 'device');
  const user = obj(ctx, o, 'user', '');
  if (user) readUser(ctx, user, 'user');
  const source = obj(ctx, o, 'source', '');
  if (source) readSource(ctx, source, 'source');
  const regs = obj(ctx, o, 'regs', '');
  if (regs) readRegs(ctx, regs, 'regs');

  flag(ctx, o, 'test', '');
  flag(ctx, o, 'allimps', '');
  const auctionType = int(ctx, o, 'at', '');
  if (auctionType !== undefined && !(auctionType === 1 || auctionType === 2 || auctionType > 500))
    fail(
      ctx,
      'invalid_value',
      'at',
      `at must be 1 (first price), 2 (second price) or > 500, got ${auctionType}`,
    );
  if (o.at === undefined) o.at = 2;
  int(ctx, o, 'tmax', '', { min: limits.minTmaxMs, max: limits.maxTmaxMs });
  const cur = strArr(ctx, o, 'cur', '', 20);
  if (cur)
    for (let i = 0; i < cur.length; i++)
      if (!isCurrencyCode(cur[i]!))
        fail(
          ctx,
          'invalid_value',
          at('cur', i),
          `cur[${i}] must be a 3-letter ISO-4217 code, got "${cur[i]}"`,
        );
  for (const k of ['wseat', 'bseat', 'wlang', 'wlangb', 'bcat', 'badv', 'bapp'])
    strArr(ctx, o, k, '', 10_000);
  int(ctx, o, 'cattax', '');
}

function readImps(ctx: ReadCtx, o: Obj, limits: ParseLimits): void {
  if (o.imp === undefined) {
    fail(ctx, 'missing', 'imp', 'imp is required: at least one impression');
    return;
  }
  const imps = objArr(ctx, o, 'imp', '', readImp, limits.maxImps);
  if (!imps) return;
  if (imps.length === 0) fail(ctx, 'missing', 'imp', 'imp must hold at least one impression');
  const seen = new Set<string>();
  for (let i = 0; i < imps.length; i++) {
    const imp = imps[i];
    if (!isObj(imp) || typeof imp.id !== 'string') continue;
    if (seen.has(imp.id)) fail(ctx, 'duplicate', `imp[${i}].id`, `imp id "${imp.id}" appears more than once`);
    seen.add(imp.id);
  }
}
