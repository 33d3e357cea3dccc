// Cluster-mode runs get data of their own on the shared services, so a run never reads or
// writes the tests' data (and the tests never see the run's): a scratch PostgreSQL database
// (migrated and given the dev seed: the dev SSP, the 5 DSPs, the 3 campaigns), a ClickHouse
// database, a Kafka topic prefix and a Redis key prefix named after the run (the budget keys
// expire with their leases' retention; nothing else to drop); see docs/load.md.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { REPO } from './paths.ts';
import { CLUSTER_DEV_SECRETS } from './stack.ts';

export interface ClusterData {
  /** Environment for the core (and the seed): DATABASE_URL, CLICKHOUSE_DATABASE, KAFKA_TOPIC_PREFIX. */
  env: Record<string, string>;
  /** Drops the database, the ClickHouse database and the topics; never throws, returns what failed. */
  drop(): Promise<string[]>;
}

/** Names for one run: only [a-z0-9_], so each is safe as an identifier in PostgreSQL and ClickHouse. */
export function clusterDataNames(runId: string): { database: string; topicPrefix: string } {
  const id = runId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return { database: `edge_rtb_load_${id}`.slice(0, 63), topicPrefix: `load.${id}.` };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function pgAdmin(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function clickhouse(url: string, sql: string): Promise<void> {
  const r = await fetch(url, { method: 'POST', body: sql, signal: AbortSignal.timeout(10_000) });
  if (!r.ok) throw new Error(`ClickHouse ${sql} -> HTTP ${r.status} ${(await r.text()).slice(0, 200)}`);
}

/**
 * Creates the run's scratch database (dropping a leftover of the same name), migrates it and
 * seeds it with the core's own seed script, so the catalog is exactly the single-node one.
 */
export async function prepareClusterData(o: {
  runId: string;
  services: Record<string, string>;
}): Promise<ClusterData> {
  const { database, topicPrefix } = clusterDataNames(o.runId);
  const baseUrl = o.services.DATABASE_URL;
  const chUrl = o.services.CLICKHOUSE_URL;
  const brokers = (o.services.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (!baseUrl || !chUrl || brokers.length === 0)
    throw new Error('scripts/services.env gives no DATABASE_URL, CLICKHOUSE_URL or KAFKA_BROKERS');
  const env = {
    DATABASE_URL: withDatabase(baseUrl, database),
    CLICKHOUSE_DATABASE: database,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    REDIS_KEY_PREFIX: `${topicPrefix}rtb:`,
  };
  await pgAdmin(baseUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await pgAdmin(baseUrl, `CREATE DATABASE ${database}`);
  const seed = spawnSync(process.execPath, [join(REPO, 'regional-core/src/catalog/seed-main.ts')], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      ...o.services,
      ...CLUSTER_DEV_SECRETS,
      ...env,
      EDGE_RTB_MODE: 'cluster',
      NODE_ENV: 'development',
    },
  });
  if (seed.status !== 0) {
    await pgAdmin(baseUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    throw new Error(
      `seeding ${database} failed (exit ${seed.status}): ${(seed.stderr || seed.stdout || String(seed.error)).slice(-800)}`,
    );
  }

  const drop = async (): Promise<string[]> => {
    const failed: string[] = [];
    const attempt = async (what: string, f: () => Promise<void>) => {
      try {
        await f();
      } catch (err) {
        failed.push(`${what}: ${String(err)}`);
      }
    };
    await attempt(`drop PostgreSQL database ${database}`, () =>
      pgAdmin(baseUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
    );
    await attempt(`drop ClickHouse database ${database}`, () =>
      clickhouse(chUrl, `DROP DATABASE IF EXISTS ${database}`),
    );
    await attempt(`delete Kafka topics and consumer groups ${topicPrefix}*`, async () => {
      const admin = new Kafka({
        clientId: 'edge-rtb-load',
        brokers,
        logLevel: logLevel.NOTHING,
        retry: { retries: 2 },
      }).admin();
      await admin.connect();
      try {
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
        if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 });
        // The core's sink group (`<prefix>clickhouse-sink`) is empty once the core has stopped.
        const groups = (await admin.listGroups()).groups
          .map((g) => g.groupId)
          .filter((g) => g.startsWith(topicPrefix));
        if (groups.length) await admin.deleteGroups(groups);
      } finally {
        await admin.disconnect();
      }
    });
    return failed;
  };
  return { env, drop };
}
