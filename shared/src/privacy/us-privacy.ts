// IAB CCPA / US Privacy string (4 characters): version ('1'), notice given, opted out of sale,
// covered by the LSPA; each of the last three is 'Y', 'N' or '-' (not applicable). "1---" means
// the law does not apply. Only opt-out of sale changes what the exchange forwards.
import { err, ok, type Result } from '../result.ts';

export interface UsPrivacy {
  version: 1;
  noticeGiven?: boolean;
  optOutSale?: boolean;
  lspaCovered?: boolean;
}

export type UsPrivacyError =
  | { reason: 'bad_length' }
  | { reason: 'bad_version' }
  | { reason: 'bad_character'; at: number };

function flag(c: string): boolean | undefined | null {
  if (c === 'Y' || c === 'y') return true;
  if (c === 'N' || c === 'n') return false;
  if (c === '-') return undefined;
  return null;
}

export function decodeUsPrivacy(s: string): Result<UsPrivacy, UsPrivacyError> {
  if (s.length !== 4) return err({ reason: 'bad_length' });
  if (s[0] !== '1') return err({ reason: 'bad_version' });
  const out: UsPrivacy = { version: 1 };
  const keys = ['noticeGiven', 'optOutSale', 'lspaCovered'] as const;
  for (let i = 0; i < 3; i++) {
    const v = flag(s[i + 1] as string);
    if (v === null) return err({ reason: 'bad_character', at: i + 1 });
    if (v !== undefined) out[keys[i] as (typeof keys)[number]] = v;
  }
  return ok(out);
}
