// Builds IAB TCF v2 consent strings (core segment only) so simulated GDPR traffic carries
// the real wire format the edge must parse, not a placeholder. Fields and widths follow the
// TCF v2.2 "TC String" core segment; the result is base64url without padding.
export interface TcfOptions {
  /** Purposes 1-24 the user consented to. */
  purposes: number[];
  /** Vendor ids (GVL) the user consented to. */
  vendors: number[];
  createdDeciseconds?: number;
  cmpId?: number;
  vendorListVersion?: number;
}

class BitWriter {
  bits: number[] = [];
  int(value: number, width: number): void {
    for (let i = width - 1; i >= 0; i--) this.bits.push(Math.floor(value / 2 ** i) % 2);
  }
  flags(set: ReadonlySet<number>, count: number): void {
    for (let i = 1; i <= count; i++) this.bits.push(set.has(i) ? 1 : 0);
  }
  letters(two: string): void {
    for (const ch of two.toUpperCase()) this.int(ch.charCodeAt(0) - 65, 6);
  }
  base64url(): string {
    const bytes = new Uint8Array(Math.ceil(this.bits.length / 8));
    this.bits.forEach((b, i) => {
      if (b) bytes[i >> 3] = (bytes[i >> 3] as number) | (0x80 >> (i & 7));
    });
    return Buffer.from(bytes).toString('base64url');
  }
}

export function encodeTcfV2(opts: TcfOptions): string {
  const w = new BitWriter();
  const created = opts.createdDeciseconds ?? 17_640_000_000; // late 2025, fixed so runs repeat
  w.int(2, 6); // Version
  w.int(created, 36); // Created
  w.int(created, 36); // LastUpdated
  w.int(opts.cmpId ?? 7, 12); // CmpId
  w.int(1, 12); // CmpVersion
  w.int(1, 6); // ConsentScreen
  w.letters('EN'); // ConsentLanguage
  w.int(opts.vendorListVersion ?? 100, 12); // VendorListVersion
  w.int(4, 6); // TcfPolicyVersion (TCF 2.2)
  w.int(1, 1); // IsServiceSpecific
  w.int(0, 1); // UseNonStandardTexts
  w.int(0, 12); // SpecialFeatureOptIns
  w.flags(new Set(opts.purposes), 24); // PurposesConsent
  w.flags(new Set(opts.purposes), 24); // PurposesLITransparency
  w.int(0, 1); // PurposeOneTreatment
  w.letters('AA'); // PublisherCC
  const maxVendor = opts.vendors.length ? Math.max(...opts.vendors) : 0;
  w.int(maxVendor, 16); // MaxVendorId (consents)
  w.int(0, 1); // IsRangeEncoding: bitfield
  w.flags(new Set(opts.vendors), maxVendor);
  w.int(0, 16); // MaxVendorId (legitimate interests): none
  w.int(0, 1);
  w.int(0, 12); // NumPubRestrictions
  return w.base64url();
}
