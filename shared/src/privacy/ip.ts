// IP truncation for buyers that may not see the full address: IPv4 keeps /24 (last octet
// zeroed), IPv6 keeps /48 (the routing prefix), enough for coarse geo and fraud checks.
// Anything unparseable is dropped rather than forwarded.

export function truncateIpv4(ip: string): string | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  for (const p of parts) if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
  return `${parts[0]}.${parts[1]}.${parts[2]}.0`;
}

export function truncateIpv6(ip: string): string | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(ip) || ip.length > 45) return undefined;
  const halves = ip.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? (halves[0] as string).split(':') : [];
  const tail = halves.length === 2 && halves[1] ? (halves[1] as string).split(':') : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const groups = [...head, ...tail].reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  if (groups > 8 || (halves.length === 1 && groups !== 8)) return undefined;
  const full = [...head, ...Array(8 - groups).fill('0'), ...tail];
  const prefix = full.slice(0, 3);
  if (!prefix.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return `${prefix.map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::`;
}
