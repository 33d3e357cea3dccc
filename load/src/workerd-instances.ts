// Runs several workerd instances of one worker, each on its own port, as one process tree (so a
// bench counts their CPU together and stops them together): how workerd's maintainers say to use
// more than one core, since workerd runs a process on one thread ("just run multiple instances of
// workerd and load-balance across them"). A diagnostic of the overhead bench (WORKERD_INSTANCES,
// workerd-config.ts), not how the edge is deployed: on Cloudflare the platform spreads a
// worker's requests itself. Stops them all when told to or when any one exits.
//   node load/src/workerd-instances.ts '[["workerd","serve","a.capnp"],["workerd","serve","b.capnp"]]'
import { type ChildProcess, spawn } from 'node:child_process';

const commands = process.argv[2] ? (JSON.parse(process.argv[2]) as string[][]) : [];
if (commands.length === 0 || commands.some((c) => c.length === 0)) {
  process.stderr.write("usage: workerd-instances.ts '<JSON list of command lines>'\n");
  process.exit(2);
}

const children: ChildProcess[] = [];
const stopAll = (code: number) => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  process.exitCode = code;
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => stopAll(0));
for (const [cmd, ...args] of commands) {
  const child = spawn(cmd as string, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  child.once('exit', (code) => stopAll(code ?? 1));
  children.push(child);
}
