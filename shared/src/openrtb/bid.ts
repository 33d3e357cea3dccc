// OpenRTB 2.6 section 4.2.3 Object: Bid. One offer to buy one imp. `price` is CPM in the
// response currency (a wire float; the auction turns it into micros once).
export interface Bid {
  id: string;
  impid: string;
  price: number;
  nurl?: string;
  burl?: string;
  lurl?: string;
  adm?: string;
  adid?: string;
  /** Advertiser domains, for badv blocking. */
  adomain?: string[];
  bundle?: string;
  iurl?: string;
  cid?: string;
  crid?: string;
  tactic?: string;
  cattax?: number;
  cat?: string[];
  /** Creative attributes (creative-attribute.ts), for battr blocking. */
  attr?: number[];
  apis?: number[];
  api?: number;
  protocol?: number;
  qagmediarating?: number;
  language?: string;
  langb?: string;
  dealid?: string;
  w?: number;
  h?: number;
  wratio?: number;
  hratio?: number;
  exp?: number;
  dur?: number;
  /** 1 banner, 2 video, 3 audio, 4 native (codes.ts MarkupType). */
  mtype?: number;
  slotinpod?: number;
  ext?: Record<string, unknown>;
}
