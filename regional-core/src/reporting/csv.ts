// Rows as CSV (RFC 4180): header from the first row's keys, fields quoted when they need it,
// arrays joined with `|` so a quantile triple stays one cell.
export function toCsv(rows: Array<Record<string, unknown>>): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join('|') : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}
