// OpenRTB 2.6 sections 3.2.29 Object: UserAgent and 3.2.30 Object: BrandVersion. Structured
// user agent (device.sua), from User-Agent Client Hints; kept together as BrandVersion only
// lives inside a UserAgent.
export interface BrandVersion {
  brand: string;
  version?: string[];
  ext?: Record<string, unknown>;
}

export interface UserAgent {
  browsers?: BrandVersion[];
  platform?: BrandVersion;
  mobile?: 0 | 1;
  architecture?: string;
  bitness?: string;
  model?: string;
  /** 0 unknown, 1 low-entropy hints, 2 high-entropy hints, 3 parsed from the UA string. */
  source?: number;
  ext?: Record<string, unknown>;
}
