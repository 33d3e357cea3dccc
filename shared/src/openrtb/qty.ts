// OpenRTB 2.6 section 3.2.31 Object: Qty. How many impressions one ad play is worth
// (DOOH: one screen seen by many), and who measured it.
export interface Qty {
  multiplier: number;
  sourcetype?: number;
  vendor?: string;
  ext?: Record<string, unknown>;
}
