// OpenRTB 2.6 sections 3.2.33 Object: RefSettings and 3.2.34 Object: Refresh. How the
// placement refreshes (auto-refresh ads), kept together as RefSettings only lives in Refresh.
export interface RefSettings {
  /** 0 unknown, 1 user action, 2 event, 3 time. */
  reftype?: number;
  /** Seconds between refreshes for time-based refresh. */
  minint?: number;
  ext?: Record<string, unknown>;
}

export interface Refresh {
  refsettings?: RefSettings[];
  /** How many times this placement has refreshed since the page/screen loaded. */
  count?: number;
  ext?: Record<string, unknown>;
}
