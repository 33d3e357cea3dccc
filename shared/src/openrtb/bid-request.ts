// OpenRTB 2.6 section 3.2.1 Object: BidRequest. The top-level request an SSP sends.
// Optional vs default (prebid/openrtb's rule, written down): types mirror the wire, optional
// fields are `?` and stay absent; only the defaults the auction reads are filled by the parser
// (at = 2, imp.bidfloor = 0, imp.bidfloorcur = 'USD', imp.instl = 0, pmp.private_auction = 0,
// deal.bidfloor/bidfloorcur) and are then non-optional in the type.
import type { App } from './app.ts';
import type { Device } from './device.ts';
import type { Dooh } from './dooh.ts';
import type { Imp } from './imp.ts';
import type { Regs } from './regs.ts';
import type { Site } from './site.ts';
import type { Source } from './source.ts';
import type { User } from './user.ts';

export interface BidRequest {
  id: string;
  imp: Imp[];
  site?: Site;
  app?: App;
  dooh?: Dooh;
  device?: Device;
  user?: User;
  /** 1 = test mode, no billing. */
  test?: 0 | 1;
  /** 1 first price, 2 second price plus (default), 500+ exchange-specific. */
  at: number;
  /** Milliseconds the SSP waits for the answer, including network. */
  tmax?: number;
  wseat?: string[];
  bseat?: string[];
  allimps?: 0 | 1;
  cur?: string[];
  wlang?: string[];
  wlangb?: string[];
  /** Blocked advertiser categories (taxonomy per cattax, IAB 1.0 by default). */
  bcat?: string[];
  cattax?: number;
  /** Blocked advertiser domains. */
  badv?: string[];
  /** Blocked app bundles / store ids. */
  bapp?: string[];
  source?: Source;
  regs?: Regs;
  ext?: Record<string, unknown>;
}

/** The request's imp with this id (a scan: requests carry a handful of imps). */
export function impById(request: BidRequest, id: unknown): Imp | undefined {
  for (const i of request.imp) if (i.id === id) return i;
  return undefined;
}
