// The ClickHouse the sink and reports talk to: the server (cluster mode, @clickhouse/client
// over HTTP) or chDB (single-node, in-process). ONE set of SQL runs on both, so it keeps to
// what ClickHouse 18.16 accepts: no query parameters (values go through sqlString()),
// JSONEachRow in and out.
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';

export interface ChStore {
  readonly kind: 'server' | 'chdb';
  /** DDL and statements without a result. */
  exec(sql: string): Promise<void>;
  /** Rows of a SELECT (64-bit integers arrive as strings; callers Number() them). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  insert(table: string, rows: object[]): Promise<void>;
  /** Rows already serialised as JSONEachRow (objects separated by newlines or tabs): no per-row work here. */
  insertLines(table: string, lines: string): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** A ClickHouse string literal. The only way values enter SQL (18.16 has no query parameters). */
export function sqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function createServerStore(url: string, database = 'default'): ChStore {
  const client = createClient({
    url,
    database,
    request_timeout: 30_000,
    // 18.16 predates these; keep requests plain.
    compression: { request: false, response: false },
    // Failures surface as rejected promises the sink logs once; the client's own log would repeat them.
    log: { level: ClickHouseLogLevel.OFF },
  });
  return {
    kind: 'server',
    async exec(sql) {
      await client.command({ query: sql });
    },
    async query<T>(sql: string) {
      const rs = await client.query({ query: sql, format: 'JSONEachRow' });
      return (await rs.json()) as T[];
    },
    async insert(table, rows) {
      if (rows.length > 0) await client.insert({ table, values: rows, format: 'JSONEachRow' });
    },
    async insertLines(table, lines) {
      // The data follows the query in the POST body, which 18.16 and current servers both accept.
      if (lines.length > 0)
        await client.command({ query: `INSERT INTO ${table} FORMAT JSONEachRow\n${lines}\n` });
    },
    async ping() {
      return (await client.ping()).success;
    },
    close: () => client.close(),
  };
}

export async function createChdbStore(path: string): Promise<ChStore> {
  const { Session } = await import('chdb');
  const session = new Session(path);
  return {
    kind: 'chdb',
    async exec(sql) {
      await session.queryAsync(sql);
    },
    async query<T>(sql: string) {
      const text = (await session.queryAsync(sql, { format: 'JSONEachRow' })).text();
      return text
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as T);
    },
    async insert(table, rows) {
      if (rows.length === 0) return;
      const body = Buffer.from(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
      await session.insert({ table, values: body, format: 'JSONEachRow' });
    },
    async insertLines(table, lines) {
      if (lines.length > 0)
        await session.insert({ table, values: Buffer.from(`${lines}\n`), format: 'JSONEachRow' });
    },
    async ping() {
      return session.open;
    },
    async close() {
      session.close();
    },
  };
}
