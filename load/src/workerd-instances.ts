// Runs several workerd instances of one worker as one process tree (so a bench counts their CPU
// together and everything stops together): how workerd uses more than one core, since it runs a
// process on one thread ("just run multiple instances of workerd and load-balance across them",
// its maintainers). The launcher listens on the shared address itself and hands the socket to
// every instance (`--socket-fd http=3`): the kernel gives each new connection to whichever
// instance accepts it first, so SSPs see one address. Each instance also listens on its own port
// (workerd-config.ts), for its peers and for a balancer that spreads requests one by one. Stops
// them all when told to or when any one exits.
//   node load/src/workerd-instances.ts --listen 127.0.0.1:8787 '[["workerd","serve","a.capnp"],...]'
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

const usage = () => {
  process.stderr.write("usage: workerd-instances.ts --listen <host:port> '<JSON list of command lines>'\n");
  process.exit(2);
};
const [flag, listen, list] = process.argv.slice(2);
const at = listen?.lastIndexOf(':') ?? -1;
if (flag !== '--listen' || !listen || at < 1 || !list) usage();
const host = (listen as string).slice(0, at);
const port = Number((listen as string).slice(at + 1));
const commands = JSON.parse(list as string) as string[][];
if (!Number.isInteger(port) || commands.length === 0 || commands.some((c) => c.length === 0)) usage();

const children: ChildProcess[] = [];
const stopAll = (code: number) => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  process.exitCode = code;
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => stopAll(0));

const shared = createServer();
shared.once('error', (e) => {
  process.stderr.write(`workerd-instances: cannot listen on ${listen}: ${e.message}\n`);
  process.exit(1);
});
shared.listen({ host, port, exclusive: true, backlog: 511 }, () => {
  // libuv's descriptor of the listening socket: each child gets it as fd 3. This process then
  // closes its own copy before it could accept anything; the children's keep the socket open.
  const fd = (shared as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) {
    process.stderr.write('workerd-instances: no descriptor for the shared socket on this platform\n');
    process.exit(1);
  }
  for (const [cmd, ...args] of commands) {
    const child = spawn(cmd as string, [...args, '--socket-fd', 'http=3'], {
      stdio: ['ignore', 'inherit', 'inherit', fd],
    });
    child.once('exit', (code) => stopAll(code ?? 1));
    children.push(child);
  }
  shared.close();
});
