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
  const noticeGiven = flag(s[1] as string);
  const optOutSale = flag(s[2] as string);
  const lspaCovered = flag(s[3] as string);
  if (noticeGiven === null) return err({ reason: 'bad_character', at: 1 });
  if (optOutSale === null) return err({ reason: 'bad_character', at: 2 });
  if (lspaCovered === null) return err({ reason: 'bad_character', at: 3 });
  // One literal with every key ('-' is undefined): one hidden class for every string.
  return ok({ version: 1, noticeGiven, optOutSale, lspaCovered });
}
