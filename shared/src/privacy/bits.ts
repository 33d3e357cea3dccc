// A bit reader over base64url text, the encoding TCF v2 and GPP sections use (6 bits per
// character, most significant first, no padding). Reads past the end return undefined so
// decoders can report a truncated string instead of throwing.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

export class BitReader {
  readonly length: number;
  pos = 0;
  private readonly bits: Uint8Array;

  private constructor(bits: Uint8Array) {
    this.bits = bits;
    this.length = bits.length;
  }

  /**
   * One instance for the isolate's life, so the instances' hidden class (map) survives full GCs.
   * Readers live for one request; at a full GC with none alive V8 dropped the map and with it
   * every optimized function that had embedded it (the TCF decoder's and its callers', "embedded
   * weak objects cleared"), to recompile them after every full GC (docs/benchmarks.md, "Session 5").
   */
  static readonly shapeKeeper = new BitReader(new Uint8Array(0));

  /** undefined when `text` has a character outside base64url (padding '=' is tolerated at the end). */
  static fromBase64Url(text: string): BitReader | undefined {
    const clean = text.replace(/=+$/, '');
    const bits = new Uint8Array(clean.length * 6);
    for (let i = 0; i < clean.length; i++) {
      const v = VALUE.get(clean[i] as string);
      if (v === undefined) return undefined;
      for (let b = 0; b < 6; b++) bits[i * 6 + b] = (v >> (5 - b)) & 1;
    }
    return new BitReader(bits);
  }

  get remaining(): number {
    return this.length - this.pos;
  }

  /** An unsigned integer of `n` bits (n <= 48 keeps it exact). */
  int(n: number): number | undefined {
    if (this.pos + n > this.length) return undefined;
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + (this.bits[this.pos + i] as number);
    this.pos += n;
    return v;
  }

  bool(): boolean | undefined {
    const v = this.int(1);
    return v === undefined ? undefined : v === 1;
  }

  /** `n` bits as the set of 1-based positions that are 1 (purposes, vendors...). */
  bitfield(n: number): Set<number> | undefined {
    if (this.pos + n > this.length) return undefined;
    const out = new Set<number>();
    for (let i = 0; i < n; i++) if (this.bits[this.pos + i] === 1) out.add(i + 1);
    this.pos += n;
    return out;
  }

  /** A Fibonacci-coded positive integer (GPP): bits weigh 1,2,3,5,8,...; "11" ends it. */
  fibonacci(): number | undefined {
    let a = 1;
    let b = 2;
    let v = 0;
    let prev = 0;
    for (let i = 0; i < 64; i++) {
      const bit = this.int(1);
      if (bit === undefined) return undefined;
      if (bit === 1 && prev === 1) return v;
      if (bit === 1) v += a;
      prev = bit;
      [a, b] = [b, a + b];
    }
    return undefined;
  }
}
