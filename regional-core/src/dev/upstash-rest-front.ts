// A local stand-in for Upstash's Redis REST API, in front of the real Redis that
// scripts/services.sh runs. Code written against @upstash/redis (the edge's budget
// client) then talks to the same Redis as the core's ioredis code in dev and in the
// integration tests, instead of to a mock. Development only: no TLS, one shared token.
//
// Run: node regional-core/src/dev/upstash-rest-front.ts   (service `upstash` of
// scripts/services.sh). Env: REDIS_URL, UPSTASH_REDIS_REST_TOKEN, UPSTASH_FRONT_PORT,
// UPSTASH_FRONT_HOST.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';

export interface UpstashFrontOptions {
  redisUrl: string;
  token: string;
  port: number;
  host?: string;
}

export interface UpstashFront {
  port: number;
  close(): Promise<void>;
}

type Arg = string | Buffer;
type Reply = { result: unknown } | { error: string };

// Commands that change the state of the connection they run on. The front multiplexes
// every request over one connection, so letting them through would leak state (a
// half-open MULTI, a SELECTed db, subscriber mode) into other callers' requests.
const CONNECTION_STATE = new Set([
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
  'select',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
  'monitor',
  'quit',
  'reset',
  'hello',
  'auth',
  'client',
]);

// Blocking commands would stall every request queued behind them on the shared
// connection, so each one gets a connection of its own.
const BLOCKING = new Set([
  'blpop',
  'brpop',
  'brpoplpush',
  'blmove',
  'blmpop',
  'bzpopmin',
  'bzpopmax',
  'bzmpop',
  'wait',
]);

const MAX_BODY_BYTES = 32 * 1024 * 1024;

class BadRequest extends Error {}

export async function startUpstashFront(opts: UpstashFrontOptions): Promise<UpstashFront> {
  // RESP2 on purpose: Upstash answers with RESP2 shapes (HGETALL as a flat array) and
  // ioredis would otherwise negotiate RESP3 maps with Redis 7.
  const redisOptions = { protocol: 2 as const, maxRetriesPerRequest: 2, lazyConnect: true };
  const redis = new Redis(opts.redisUrl, redisOptions);
  await redis.connect();

  async function run(command: Arg[]): Promise<unknown> {
    const name = command[0]!.toString().toLowerCase();
    if (CONNECTION_STATE.has(name)) {
      throw new BadRequest(
        `ERR '${name}' is not supported over REST (it would change shared connection state)`,
      );
    }
    const [, ...args] = command;
    if (!BLOCKING.has(name)) return redis.callBuffer(wireName(name), ...args);
    const own = new Redis(opts.redisUrl, redisOptions);
    try {
      await own.connect();
      return await own.callBuffer(wireName(name), ...args);
    } finally {
      own.disconnect();
    }
  }

  async function runOne(command: Arg[]): Promise<[number, Reply]> {
    try {
      return [200, { result: await run(command) }];
    } catch (err) {
      return errorReply(err);
    }
  }

  async function runPipeline(commands: Arg[][]): Promise<[number, Reply[]]> {
    // Sent back to back on the one connection, so Redis sees them in order; like
    // Upstash, not atomic, and one failing command does not stop the others.
    const settled = await Promise.allSettled(commands.map((c) => run(c)));
    return [
      200,
      settled.map((s) => (s.status === 'fulfilled' ? { result: s.value } : { error: messageOf(s.reason) })),
    ];
  }

  async function runMultiExec(commands: Arg[][]): Promise<[number, Reply | Reply[]]> {
    for (const c of commands) {
      const name = c[0]!.toString().toLowerCase();
      if (CONNECTION_STATE.has(name) || BLOCKING.has(name)) {
        return [400, { error: `ERR '${name}' is not allowed inside multi-exec` }];
      }
    }
    const tx = redis.multi();
    for (const [name, ...args] of commands) tx.callBuffer(wireName(name!.toString()), ...args);
    try {
      const results = (await tx.exec()) ?? [];
      return [200, results.map(([err, result]) => (err ? { error: messageOf(err) } : { result }))];
    } catch (err) {
      // EXECABORT: a command was rejected while queueing, nothing ran.
      return errorReply(err);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (!['GET', 'HEAD', 'POST', 'PUT'].includes(method)) {
      return send(res, 405, { error: `ERR method ${method} is not allowed` }, false);
    }
    const url = new URL(req.url ?? '/', 'http://front');
    if (!authorized(req, url, opts.token)) return send(res, 401, { error: 'Unauthorized' }, false);
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const segments = url.pathname
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
    const body = method === 'POST' || method === 'PUT' ? await readBody(req) : Buffer.alloc(0);

    if (segments.length === 1 && (segments[0] === 'pipeline' || segments[0] === 'multi-exec')) {
      if (method !== 'POST') return send(res, 405, { error: `ERR use POST for /${segments[0]}` }, false);
      const commands = parseCommandList(body);
      const [status, out] =
        segments[0] === 'pipeline' ? await runPipeline(commands) : await runMultiExec(commands);
      return send(res, status, out, base64);
    }

    let command: Arg[];
    if (segments.length === 0) {
      if (body.length === 0) return send(res, 400, { error: 'ERR empty command' }, false);
      command = parseCommand(JSON.parse(body.toString('utf8')));
    } else {
      // Path form: /set/key/value; a POST body is the last argument, and query
      // parameters (other than _token) follow it, as in /set/key?EX=100.
      command = [...segments];
      if (body.length > 0) command.push(body);
      for (const [k, v] of url.searchParams) {
        if (k === '_token') continue;
        command.push(k);
        if (v !== '') command.push(v);
      }
    }
    const [status, out] = await runOne(command);
    return send(res, status, out, base64);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof BadRequest || err instanceof SyntaxError) {
        send(res, 400, { error: messageOf(err) }, false);
      } else {
        send(res, 500, { error: messageOf(err) }, false);
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      redis.disconnect();
    },
  };
}

// ioredis reshapes some replies by command name (HGETALL into an object, WITHSCORES
// into pairs, XREAD into maps), keyed on the lower-case name. Upstash returns Redis's
// flat RESP2 arrays, so the name goes out in upper case, which Redis accepts and
// ioredis does not recognise.
function wireName(name: string): string {
  return name.toUpperCase();
}

function authorized(req: IncomingMessage, url: URL, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7).trim() : url.searchParams.get('_token');
  return given === token;
}

function parseCommand(value: unknown): Arg[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new BadRequest('ERR a command is a non-empty JSON array: ["SET","key","value"]');
  }
  return value.map((v, i) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    if (v === null || v === undefined) throw new BadRequest(`ERR argument ${i} is null`);
    return JSON.stringify(v);
  });
}

function parseCommandList(body: Buffer): Arg[][] {
  const value: unknown = JSON.parse(body.toString('utf8'));
  if (!Array.isArray(value) || value.length === 0) {
    throw new BadRequest('ERR expected a non-empty JSON array of commands: [["SET","k","v"],["GET","k"]]');
  }
  return value.map((c) => parseCommand(c));
}

// Upstash-Encoding: base64 makes every string in the reply base64 except the status
// "OK", so binary values survive JSON; @upstash/redis asks for it by default.
function encode(value: unknown, base64: boolean): unknown {
  if (Buffer.isBuffer(value)) {
    const text = value.toString('utf8');
    if (!base64 || text === 'OK') return text;
    return value.toString('base64');
  }
  if (Array.isArray(value)) return value.map((v) => encode(v, base64));
  if (value instanceof Error) return { error: value.message };
  return value ?? null;
}

function send(res: ServerResponse, status: number, out: Reply | Reply[], base64: boolean): void {
  if (res.headersSent) return;
  const encodeReply = (r: Reply): Reply => ('result' in r ? { result: encode(r.result, base64) } : r);
  const payload = Array.isArray(out) ? out.map(encodeReply) : encodeReply(out);
  const text = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function errorReply(err: unknown): [number, Reply] {
  // Redis rejected the command (ReplyError) or the request was malformed: the caller's
  // fault, 400 as Upstash does. Anything else (Redis unreachable) is the front's: 500.
  const name = err instanceof Error ? err.name : '';
  const status = err instanceof BadRequest || name === 'ReplyError' ? 400 : 500;
  return [status, { error: messageOf(err) }];
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`ERR request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

if (import.meta.main) {
  const token = process.env.UPSTASH_REDIS_REST_TOKEN;
  if (!token) {
    console.error('upstash-rest-front: UPSTASH_REDIS_REST_TOKEN is not set');
    process.exit(2);
  }
  const front = await startUpstashFront({
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:16379',
    token,
    port: Number(process.env.UPSTASH_FRONT_PORT ?? 16380),
    host: process.env.UPSTASH_FRONT_HOST ?? '127.0.0.1',
  });
  console.log(`upstash-rest-front: listening on 127.0.0.1:${front.port}`);
  const stop = () => {
    front.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
