// The campaign-local calendar day that contains an instant: its key (YYYY-MM-DD, the daily
// budget counter) and its bounds in epoch ms (23 or 25 hours long on DST change days).
// Intl only, so it runs in workerd and Node.

export interface LocalDay {
  key: string;
  startMs: number;
  endMs: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // hourCycle h23: some engines print midnight as "24" with hour12: false.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(t: number, timeZone: string): { y: number; m: number; d: number; asUtc: number } {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(t)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const y = p.year!;
  const m = p.month!;
  const d = p.day!;
  return { y, m, d, asUtc: Date.UTC(y, m - 1, d, p.hour!, p.minute!, p.second!) };
}

/** Offset of the zone from UTC at instant t, in ms (positive east of Greenwich). */
function offsetAt(t: number, timeZone: string): number {
  const whole = Math.floor(t / 1000) * 1000;
  return wallClock(whole, timeZone).asUtc - whole;
}

/** Epoch ms of local midnight `localMidnightAsUtc` (a wall time written as if it were UTC). */
function instantOf(localMidnightAsUtc: number, timeZone: string): number {
  const guess = localMidnightAsUtc - offsetAt(localMidnightAsUtc, timeZone);
  return localMidnightAsUtc - offsetAt(guess, timeZone);
}

// formatToParts is the slow part (several calls per day lookup) and every lease request asks:
// remember the last day per zone; it answers for any t inside its own bounds, so it never goes stale.
const lastDay = new Map<string, LocalDay>();

/** Throws RangeError on an unknown IANA zone (the catalog validates zones on input). */
export function localDay(t: number, timeZone: string): LocalDay {
  const hit = lastDay.get(timeZone);
  if (hit && t >= hit.startMs && t < hit.endMs) return hit;
  const day = computeDay(t, timeZone);
  if (lastDay.size > 1_000) lastDay.clear();
  lastDay.set(timeZone, day);
  return day;
}

function computeDay(t: number, timeZone: string): LocalDay {
  const { y, m, d } = wallClock(t, timeZone);
  const key = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return {
    key,
    startMs: instantOf(Date.UTC(y, m - 1, d), timeZone),
    endMs: instantOf(Date.UTC(y, m - 1, d + 1), timeZone),
  };
}
