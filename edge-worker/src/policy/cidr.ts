// IPv4/IPv6 CIDR matching for the invalid-traffic list (data-centre ranges). Ranges are parsed
// once per snapshot into bigint prefixes; a malformed entry is skipped, never fatal.
export interface CidrSet {
  has(ip: string): boolean;
  readonly size: number;
}

interface Range {
  v6: boolean;
  base: bigint;
  mask: bigint;
}

export function compileCidrs(entries: readonly string[]): CidrSet {
  const ranges: Range[] = [];
  for (const entry of entries) {
    const r = parseCidr(entry.trim());
    if (r) ranges.push(r);
  }
  // IPv4 (nearly every request) is matched on 32-bit numbers: no bigint per request.
  const v4 = ranges
    .filter((r) => !r.v6)
    .map((r) => ({ base: Number(r.base) >>> 0, mask: Number(r.mask) >>> 0 }));
  const v6 = ranges.filter((r) => r.v6);
  return {
    size: ranges.length,
    has(ip: string) {
      if (ranges.length === 0) return false;
      if (!ip.includes(':')) {
        const value = ipv4Number(ip);
        if (value < 0) return false;
        for (const r of v4) if ((value & r.mask) >>> 0 === r.base) return true;
        return false;
      }
      const parsed = parseIpv6(ip);
      if (!parsed) return false;
      return v6.some((r) => (parsed.value & r.mask) === r.base);
    },
  };
}

/** The same rule as parseIpv4 (four dot-separated runs of 1-3 digits, each <= 255) as a uint32; -1 if not. */
function ipv4Number(s: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return -1;
      part = part * 10 + (c - 48);
    } else if (c === 46) {
      if (digits === 0 || part > 255 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return value * 256 + part;
}

function parseCidr(s: string): Range | null {
  const [addr, bitsText] = s.split('/');
  if (!addr) return null;
  const ip = parseIp(addr);
  if (!ip) return null;
  const width = ip.v6 ? 128 : 32;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return null;
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
  return { v6: ip.v6, base: ip.value & mask, mask };
}

export function parseIp(s: string): { v6: boolean; value: bigint } | null {
  if (s.includes(':')) return parseIpv6(s);
  return parseIpv4(s);
}

function parseIpv4(s: string): { v6: false; value: bigint } | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return { v6: false, value };
}

function parseIpv6(s: string): { v6: true; value: bigint } | null {
  if (s.length > 45) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    value = (value << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return { v6: true, value };
}
