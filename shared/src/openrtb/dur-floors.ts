// OpenRTB 2.6 section 3.2.35 Object: DurFloors. Floors by creative duration for video/audio
// (mindur..maxdur seconds at bidfloor). Forwarded to buyers; the auction uses imp.bidfloor.
export interface DurFloors {
  mindur?: number;
  maxdur?: number;
  bidfloor?: number;
  ext?: Record<string, unknown>;
}
