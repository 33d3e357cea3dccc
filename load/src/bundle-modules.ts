// Maps a line of a wrangler/esbuild bundle back to the source file it came from, so a CPU
// profile of the bundle (load/src/edge-profile.ts) can say which part of the edge spends the time.

/**
 * Which source file each line of a bundle came from, from the `// path` comment esbuild writes
 * before each module; lines before the first marker count as '(bundle head)'.
 */
export function bundleModules(bundleText: string): (line: number) => string {
  const marks: Array<[number, string]> = [];
  bundleText.split('\n').forEach((l, i) => {
    const m = /^\/\/ (\S+\.(?:ts|js|mjs))$/.exec(l);
    if (m) marks.push([i + 1, m[1]!.replace(/^.*node_modules\//, 'node_modules/')]);
  });
  return (line) => {
    let lo = 0;
    let hi = marks.length - 1;
    let found = '(bundle head)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid]![0] <= line) {
        found = marks[mid]![1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}
