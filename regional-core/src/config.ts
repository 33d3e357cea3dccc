// The one config loader of the regional core: every setting comes from the environment
// (12-factor, so Kubernetes and the demo configure it the same way), with defaults for the
// single-node mode. Secrets have no defaults outside development.
export type Mode = 'single-node' | 'cluster';

export interface CoreConfig {
  mode: Mode;
  host: string;
  port: number;
  dataDir: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  postgresUrl: string | undefined;
  redisUrl: string | undefined;
  kafkaBrokers: string[];
  clickhouseUrl: string | undefined;
  /** ClickHouse database of the event tables (cluster mode). */
  clickhouseDatabase: string;
  /** Prefix of the event topics (rtb.auctions...), so several environments can share a cluster. */
  kafkaTopicPrefix: string;
  /** Prefix of the budget ledger's Redis keys, so several deployments can share one Redis. */
  redisKeyPrefix: string;
  adminToken: string;
  edgeToken: string;
  leaseKeys: { current: string; keys: Record<string, string> };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type EnvLike = Record<string, string | undefined>;

export function loadConfig(env: EnvLike = process.env): CoreConfig {
  const mode = (env.EDGE_RTB_MODE ?? 'single-node') as Mode;
  if (mode !== 'single-node' && mode !== 'cluster') {
    throw new ConfigError(`EDGE_RTB_MODE must be single-node or cluster, got ${mode}`);
  }
  const dev = mode === 'single-node' && env.NODE_ENV !== 'production';
  const secret = (name: string, devDefault: string): string => {
    const v = env[name];
    if (v) return v;
    if (dev) return devDefault;
    throw new ConfigError(`${name} must be set in ${mode} mode`);
  };
  const port = Number(env.CORE_PORT ?? 8080);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new ConfigError(`CORE_PORT invalid: ${env.CORE_PORT}`);
  const leaseKeyList = secret('LEASE_KEYS', 'dev1:dev-lease-key-not-secret');
  const keys: Record<string, string> = {};
  for (const pair of leaseKeyList.split(',')) {
    const [kid, key] = pair.split(':');
    if (!kid || !key) throw new ConfigError('LEASE_KEYS must be kid:key[,kid:key...]; the first is current');
    keys[kid] = key;
  }
  return {
    mode,
    host: env.CORE_HOST ?? '127.0.0.1',
    port,
    dataDir: env.EDGE_RTB_DATA ?? '.data/core',
    logLevel: (env.LOG_LEVEL as CoreConfig['logLevel']) ?? 'info',
    postgresUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    kafkaBrokers: (env.KAFKA_BROKERS ?? '').split(',').filter(Boolean),
    clickhouseUrl: env.CLICKHOUSE_URL,
    clickhouseDatabase: env.CLICKHOUSE_DATABASE ?? 'default',
    kafkaTopicPrefix: env.KAFKA_TOPIC_PREFIX ?? '',
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? 'rtb:',
    adminToken: secret('ADMIN_TOKEN', 'dev-admin-token'),
    edgeToken: secret('EDGE_TOKEN', 'dev-edge-token'),
    leaseKeys: { current: Object.keys(keys)[0]!, keys },
  };
}
