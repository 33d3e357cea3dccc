// Money is integer micros (1e-6 of the currency unit) everywhere; never floats.
// OpenRTB prices are CPM floats on the wire; inside we carry CPM in micros
// ("cpmMicros": 2.5 USD CPM = 2_500_000) and charge per impression cpmMicros / 1000,
// rounded up so a hold always covers the spend.
export type Micros = number;

export function isMicros(n: unknown): n is Micros {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** A wire CPM price (float, currency units per 1000 impressions) to CPM micros. */
export function cpmToMicros(cpm: number): Micros {
  if (!Number.isFinite(cpm) || cpm < 0) throw new RangeError(`invalid CPM price ${cpm}`);
  // Rounds the product's exact binary value to the nearest integer, halves up: what toFixed(0) of
  // it gives too (a test holds the two together), without a string per price.
  return Math.round(cpm * 1e6);
}

/** CPM micros back to a wire CPM float, exact to 6 decimals. */
export function microsToCpm(cpmMicros: Micros): number {
  return cpmMicros / 1e6;
}

/** What one impression costs at a CPM: ceil(cpmMicros / 1000) micros. */
export function impressionCost(cpmMicros: Micros): Micros {
  return Math.ceil(cpmMicros / 1000);
}

/** Basis-point share of an amount, rounded down (1 bps = 0.01%). */
export function bpsOf(amount: Micros, bps: number): Micros {
  return Math.floor((amount * bps) / 10_000);
}
