// OpenRTB 2.6 section 3.2.5 Object: Metric. A metric the exchange measured for the imp
// (e.g. viewability), so a bidder can weigh it.
export interface Metric {
  type: string;
  /** Probability 0.0-1.0 when the metric is a probability. */
  value: number;
  vendor?: string;
  ext?: Record<string, unknown>;
}
