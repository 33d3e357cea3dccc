// OpenRTB 2.6 section 3.2.3 Object: Regs. Legal signals: COPPA, GDPR applicability, the US
// privacy (CCPA) string and GPP. 2.5 carried gdpr/us_privacy (and some senders gpp/gpp_sid) in
// regs.ext; the parser lifts them here once so nothing downstream reads ext.
import { at, fail, flag, intArr, lift, type Obj, type ReadCtx, str } from './read.ts';

export interface Regs {
  coppa?: 0 | 1;
  /** 1 = GDPR applies, 0 = it does not, absent = unknown. */
  gdpr?: 0 | 1;
  /** IAB US Privacy string, e.g. "1YNN". */
  us_privacy?: string;
  /** Global Privacy Platform string. */
  gpp?: string;
  /** GPP section ids that apply to this request. */
  gpp_sid?: number[];
  ext?: Record<string, unknown>;
}

export function readRegs(ctx: ReadCtx, o: Obj, path: string): void {
  for (const k of ['gdpr', 'us_privacy', 'gpp', 'gpp_sid']) lift(o, k);
  flag(ctx, o, 'coppa', path);
  flag(ctx, o, 'gdpr', path);
  const usp = str(ctx, o, 'us_privacy', path);
  if (usp !== undefined && usp.length !== 4)
    fail(
      ctx,
      'invalid_value',
      at(path, 'us_privacy'),
      `${at(path, 'us_privacy')} must be 4 characters, got "${usp}"`,
    );
  str(ctx, o, 'gpp', path);
  intArr(ctx, o, 'gpp_sid', path, 64);
}
