// `npm run bench -- <scenario>`: runs one scenario against the real edge and core, prints the
// summary and the invariant verdicts, writes load/results/<scenario>-<timestamp>/, and exits
// non-zero when an invariant broke (1) or the run could not happen (2).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBenchArgs, USAGE } from './bench-args.ts';
import { runScenario } from './harness.ts';
import { overheadChart, overheadTable, pairedSummary, pairedTable, runOverhead } from './overhead.ts';
import { RESULTS } from './paths.ts';
import { SCENARIOS } from './scenarios/index.ts';

const args = parseBenchArgs(process.argv.slice(2));
if ('error' in args) {
  process.stderr.write(
    `${args.error}\n${USAGE}\nscenarios: ${Object.keys(SCENARIOS).join(', ')}, overhead, fanout\n`,
  );
  process.exit(64);
}
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`;
const log = (m: string) => process.stderr.write(`[${args.scenario}] ${m}\n`);

if (args.scenario === 'overhead' || args.scenario === 'fanout') {
  const started = new Date().toISOString();
  const dir = join(RESULTS, `${args.scenario}-${started.replace(/[:.]/g, '-')}`);
  try {
    const { rows, notes } = await runOverhead({
      seed: args.seed,
      rates: args.rates ?? [100, 200, 300, 400, 600],
      stepS: args.stepS ?? 15,
      ...(args.warmupS ? { warmupS: args.warmupS } : {}),
      ...(args.pairs ? { pairs: args.pairs } : {}),
      withEdge: args.scenario === 'overhead',
      runDir: join(dir, 'run'),
      log,
    });
    const paired = pairedTable(pairedSummary(rows));
    const table = `${paired ? `${paired}\n\nEach step:\n\n` : ''}${overheadTable(rows, args.stepS ?? 15)}`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'result.json'),
      `${JSON.stringify({ command, started, rows, notes }, null, 2)}\n`,
    );
    writeFileSync(join(dir, 'chart.html'), overheadChart(rows));
    writeFileSync(
      join(dir, 'report.md'),
      `# ${args.scenario} (${started})\n\nCommand: \`${command}\`\n\n${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`,
    );
    process.stdout.write(`\n${table}\n${notes.join('\n')}\nreport: ${dir}\n`);
    process.exit(0);
  } catch (err) {
    process.stderr.write(`${args.scenario}: FAILED to run: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

const scenario = SCENARIOS[args.scenario];
if (!scenario) {
  process.stderr.write(
    `unknown scenario ${args.scenario}; known: ${Object.keys(SCENARIOS).join(', ')}, overhead, fanout\n`,
  );
  process.exit(64);
}
const { code } = await runScenario(scenario, {
  seed: args.seed,
  ...(args.durationS ? { durationS: args.durationS } : {}),
  ...(args.qps ? { qps: args.qps } : {}),
  breakInvariant: args.breakInvariant,
  command,
  log,
});
process.exit(code);
