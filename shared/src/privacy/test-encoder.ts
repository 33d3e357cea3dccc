// Test-only: a tiny writer for TCF v2 core segments and GPP strings, so tests build real
// consent strings with known contents instead of trusting opaque fixtures.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class BitWriter {
  bits: number[] = [];
  int(v: number, n: number): this {
    for (let i = n - 1; i >= 0; i--) this.bits.push(Math.floor(v / 2 ** i) % 2);
    return this;
  }
  bool(b: boolean): this {
    return this.int(b ? 1 : 0, 1);
  }
  field(n: number, ids: Iterable<number>): this {
    const set = new Set(ids);
    for (let i = 1; i <= n; i++) this.bits.push(set.has(i) ? 1 : 0);
    return this;
  }
  letters(s: string): this {
    return this.int((s.charCodeAt(0) as number) - 65, 6).int((s.charCodeAt(1) as number) - 65, 6);
  }
  fib(v: number): this {
    const f = [1, 2];
    while ((f[f.length - 1] as number) <= v)
      f.push((f[f.length - 1] as number) + (f[f.length - 2] as number));
    const out: number[] = [];
    let rest = v;
    for (let i = f.length - 1; i >= 0; i--) {
      if ((f[i] as number) <= rest) {
        out[i] = 1;
        rest -= f[i] as number;
      } else out[i] = 0;
    }
    while (out.length > 0 && out[out.length - 1] === 0) out.pop();
    this.bits.push(...out.map((b) => b ?? 0), 1);
    return this;
  }
  base64url(): string {
    const bits = [...this.bits];
    while (bits.length % 6 !== 0) bits.push(0);
    let s = '';
    for (let i = 0; i < bits.length; i += 6) s += ALPHABET[parseInt(bits.slice(i, i + 6).join(''), 2)];
    return s;
  }
}

export interface TcfSpec {
  created?: Date;
  cmpId?: number;
  cmpVersion?: number;
  vendorListVersion?: number;
  policyVersion?: number;
  language?: string;
  country?: string;
  specialFeatures?: number[];
  purposes?: number[];
  purposesLI?: number[];
  vendors?: number[];
  vendorsLI?: number[];
  /** Publisher restrictions: purpose, type (0 forbid, 1 consent only, 2 LI only), vendor ids. */
  restrictions?: { purpose: number; type: number; vendors: number[] }[];
  /** Encode vendor consents as ranges instead of a bitfield. */
  ranges?: boolean;
}

function vendorSection(w: BitWriter, ids: number[], ranges: boolean): void {
  const max = ids.length ? Math.max(...ids) : 0;
  w.int(max, 16).bool(ranges);
  if (!ranges) {
    w.field(max, ids);
    return;
  }
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const groups: [number, number][] = [];
  for (const id of sorted) {
    const last = groups[groups.length - 1];
    if (last && last[1] === id - 1) last[1] = id;
    else groups.push([id, id]);
  }
  w.int(groups.length, 12);
  for (const [a, b] of groups) {
    w.bool(a !== b).int(a, 16);
    if (a !== b) w.int(b, 16);
  }
}

export function encodeTcf(spec: TcfSpec = {}): string {
  const ds = Math.round((spec.created ?? new Date('2024-01-02T03:04:05.600Z')).getTime() / 100);
  const w = new BitWriter()
    .int(2, 6)
    .int(ds, 36)
    .int(ds, 36)
    .int(spec.cmpId ?? 7, 12)
    .int(spec.cmpVersion ?? 1, 12)
    .int(1, 6)
    .letters(spec.language ?? 'EN')
    .int(spec.vendorListVersion ?? 150, 12)
    .int(spec.policyVersion ?? 4, 6)
    .bool(false)
    .bool(false)
    .field(12, spec.specialFeatures ?? [])
    .field(24, spec.purposes ?? [])
    .field(24, spec.purposesLI ?? [])
    .bool(false)
    .letters(spec.country ?? 'DE');
  vendorSection(w, spec.vendors ?? [], spec.ranges ?? false);
  vendorSection(w, spec.vendorsLI ?? [], false);
  const restrictions = spec.restrictions ?? [];
  w.int(restrictions.length, 12);
  for (const r of restrictions) {
    w.int(r.purpose, 6).int(r.type, 2).int(r.vendors.length, 12);
    for (const v of r.vendors) w.bool(false).int(v, 16);
  }
  return w.base64url();
}

/** A GPP header for the given section ids (ascending), Fibonacci range-coded. */
export function encodeGppHeader(ids: number[]): string {
  const w = new BitWriter().int(3, 6).int(1, 6).int(ids.length, 12);
  let last = 0;
  for (const id of ids) {
    w.bool(false).fib(id - last);
    last = id;
  }
  return w.base64url();
}

/** A US section body: 6-bit version, then 2-bit fields. */
export function encodeUsSection(fields: number[]): string {
  const w = new BitWriter().int(1, 6);
  for (const f of fields) w.int(f, 2);
  return w.base64url();
}
