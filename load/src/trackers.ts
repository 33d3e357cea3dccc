// Finds the trackers a browser would call in ad markup: HTML (img/script/a), VAST
// (Impression, ClickThrough, ClickTracking) and native (imptrackers, eventtrackers, link).
// Classified by path so it works whatever exact routes the edge chose. Only loopback URLs
// are kept: the simulator never calls out to the internet, even if markup names it.
export interface Trackers {
  impressions: string[];
  clicks: string[];
  conversions: string[];
}

const URL_RE = /https?:\/\/[^\s"'<>\]\\]+/g;

function decodeEntities(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&#38;/g, '&')
    .replace(/&quot;/g, '"');
}

export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}

export function classify(url: string): keyof Trackers | undefined {
  let path: string;
  try {
    path = new URL(url).pathname.toLowerCase();
  } catch {
    return undefined;
  }
  if (/(^|\/)(conv|conversion|conversions|cv|pixel\/conv)(\/|$)/.test(path)) return 'conversions';
  if (/(^|\/)(click|clk|c)(\/|$)/.test(path)) return 'clicks';
  if (/(^|\/)(imp|impression|impressions|i|view|px)(\/|$)/.test(path)) return 'impressions';
  return undefined;
}

export function extractTrackers(adm: string | undefined): Trackers {
  const out: Trackers = { impressions: [], clicks: [], conversions: [] };
  if (!adm) return out;
  const seen = new Set<string>();
  const text = adm.trimStart().startsWith('{') ? adm.replace(/\\\//g, '/') : adm;
  for (const m of decodeEntities(text).matchAll(URL_RE)) {
    const url = m[0].replace(/[),.;]+$/, '');
    if (seen.has(url) || !isLoopback(url)) continue;
    seen.add(url);
    const kind = classify(url);
    if (kind) out[kind].push(url);
  }
  return out;
}
