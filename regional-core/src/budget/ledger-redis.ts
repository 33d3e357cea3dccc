// Cluster budget ledger on Redis. Every money movement is one Lua script (lua/*.lua) over
// keys of ONE campaign, all sharing the hash tag {c:<id>}, so each script runs atomically on
// the node that owns the campaign's slot, in Redis Cluster as on a single Redis.
// Key layout (docs/storage-schema.md, "Redis"):
//   <p>{c:<id>}:acct          HASH  available leased spent overrun funding writeoff released target
//   <p>{c:<id>}:lease:<lid>   HASH  one lease record, PEXPIREAT expiresAt + retention
//   <p>{c:<id>}:active        ZSET  active lease ids by expiresAt (what the sweep walks)
//   <p>{c:<id>}:daily         HASH  campaign-local day -> net micros granted that day
//   <p>{c:<id>}:rate:<holder> HASH  sum atMs sinceMs keepUntil: the holder's spend history (lease
//                                    sizing, not money), PEXPIREAT keepUntil
//   <p>budget:campaigns       SET   campaign ids (not in any script: it lives in its own slot)
//   <p>budget:ledger          STRING the ledger's marker (ledger-guard.ts): gone = Redis was wiped
//   <p>budget:idem:<key>      STRING JSON [campaignId, holder, leaseId] of a grant's idempotency key,
//                                    PEXPIREAT expiresAt + retention (outside the scripts, own slot)
import { readFileSync } from 'node:fs';
import type { Micros } from '@edge-rtb/shared/money';
import type { Cluster, Redis } from 'ioredis';
import {
  type Balances,
  type BudgetLedger,
  CAMPAIGN_ID_RE,
  DEFAULT_TIMING,
  type ExpiredLease,
  emptyBalances,
  type GrantInput,
  type GrantLimit,
  type GrantResult,
  type LeaseRecord,
  type LedgerTiming,
  type ReconcileResult,
  type SettleResult,
  SPEND_RATE_KEEP_TAUS,
} from './ledger.ts';

export interface RedisLedgerOptions {
  redis: Redis | Cluster;
  /** Key prefix, e.g. 'rtb:' (tests use a unique one each). */
  prefix?: string;
  timing?: LedgerTiming;
  /** Closes the client on close(); false when the client is shared. */
  ownsClient?: boolean;
}

const KEEP_DAYS = 8;
const SWEEP_BATCH = 200;
const lua = (name: string) =>
  readFileSync(new URL(`./lua/common.lua`, import.meta.url), 'utf8') +
  readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
const SCRIPTS = {
  ledgerFund: { numberOfKeys: 1, lua: lua('fund') },
  ledgerGrant: { numberOfKeys: 4, lua: lua('grant') },
  ledgerSettle: { numberOfKeys: 4, lua: lua('settle') },
  ledgerExpire: { numberOfKeys: 3, lua: lua('expire') },
  ledgerReconcile: { numberOfKeys: 3, lua: lua('reconcile') },
  ledgerSpendRate: { numberOfKeys: 1, lua: lua('spend-rate') },
} as const;
type ScriptName = keyof typeof SCRIPTS;
type ScriptFn = (...args: Array<string | number>) => Promise<unknown>;

export function redisKeys(prefix: string, campaignId: string) {
  if (!CAMPAIGN_ID_RE.test(campaignId))
    throw new RangeError(`campaign id not allowed in a key: ${campaignId}`);
  const tag = `${prefix}{c:${campaignId}}`;
  return {
    acct: `${tag}:acct`,
    lease: (leaseId: string) => `${tag}:lease:${leaseId}`,
    active: `${tag}:active`,
    daily: `${tag}:daily`,
    rate: (holder: string) => `${tag}:rate:${holder}`,
  };
}

export function createRedisLedger(opts: RedisLedgerOptions): BudgetLedger {
  const { redis, prefix = 'rtb:', timing = DEFAULT_TIMING, ownsClient = false } = opts;
  const campaignsKey = `${prefix}budget:campaigns`;
  const markerKey = `${prefix}budget:ledger`;
  const idemKey = (key: string) => `${prefix}budget:idem:${key}`;
  for (const [name, def] of Object.entries(SCRIPTS)) {
    // defineCommand sends EVALSHA and falls back to EVAL once when the script cache is cold.
    if (!(name in redis)) redis.defineCommand(name, def);
  }
  const run = (name: ScriptName, ...args: Array<string | number>) =>
    (redis as unknown as Record<ScriptName, ScriptFn>)[name](...args);

  /**
   * Binds an idempotency key to (campaign, holder, lease id) across the whole ledger, so a key
   * sent again with another campaign is caught although each campaign's keys live in their own
   * slot. Returns the lease id the key stands for (the first request's), or null on a conflict.
   * The grant itself stays atomic in the campaign's script: whichever of two racing repeats runs
   * it first grants under that one lease id, the other finds the lease.
   */
  const claimKey = async (i: GrantInput, key: string): Promise<string | null> => {
    const slot = idemKey(key);
    for (let attempt = 0; attempt < 3; attempt++) {
      const mine = JSON.stringify([i.campaignId, i.holder, i.leaseId]);
      if ((await redis.set(slot, mine, 'PXAT', i.expiresAt + timing.retentionMs, 'NX')) === 'OK')
        return i.leaseId;
      const got = await redis.get(slot);
      if (got === null) continue; // expired between the two calls: claim it afresh
      const [campaignId, holder, leaseId] = JSON.parse(got) as [string, string, string];
      return campaignId === i.campaignId && holder === i.holder ? leaseId : null;
    }
    throw new Error(`idempotency key ${key} could not be claimed`);
  };

  const conflict = async (acct: string): Promise<GrantResult> => {
    const [available, leased, spent] = (await redis.hmget(acct, 'available', 'leased', 'spent')).map(Number);
    return {
      grantedMicros: 0,
      limitedBy: 'requested',
      lease: null,
      after: { available: available!, leased: leased!, spent: spent! },
      keyConflict: true,
    };
  };

  const toBalances = (flat: string[]): Balances => {
    const b = emptyBalances() as unknown as Record<string, number>;
    for (let i = 0; i < flat.length; i += 2) b[flat[i]!] = Number(flat[i + 1]);
    return b as unknown as Balances;
  };

  return {
    async fund(campaignId, total) {
      const k = redisKeys(prefix, campaignId);
      await redis.sadd(campaignsKey, campaignId);
      return toBalances((await run('ledgerFund', k.acct, total)) as string[]);
    },

    async grant(i: GrantInput): Promise<GrantResult> {
      const k = redisKeys(prefix, i.campaignId);
      let leaseId = i.leaseId;
      if (i.idempotencyKey !== undefined) {
        const claimed = await claimKey(i, i.idempotencyKey);
        if (claimed === null) return conflict(k.acct);
        leaseId = claimed;
      }
      const [granted, limitedBy, available, leased, spent, first] = (await run(
        'ledgerGrant',
        k.acct,
        k.lease(leaseId),
        k.active,
        k.daily,
        leaseId,
        i.holder,
        i.requestedMicros,
        i.now,
        i.expiresAt,
        i.day,
        i.dailyCapMicros ?? -1,
        i.committedCapMicros ?? -1,
        i.expiresAt + timing.retentionMs,
        KEEP_DAYS,
        i.idempotencyKey ?? '',
        i.minGrantMicros ?? 0,
      )) as [number, GrantLimit | 'repeated' | 'conflict', number, number, number, string[]?];
      const after = { available, leased, spent };
      if (limitedBy === 'conflict')
        return { grantedMicros: 0, limitedBy: 'requested', lease: null, after, keyConflict: true };
      if (limitedBy === 'repeated') {
        const h: Record<string, string> = {};
        for (let j = 0; j < first!.length; j += 2) h[first![j]!] = first![j + 1]!;
        const lease = toLease(i.campaignId, leaseId, h);
        return { grantedMicros: granted, limitedBy: 'requested', lease, after, repeated: true };
      }
      if (granted <= 0) return { grantedMicros: 0, limitedBy, lease: null, after };
      const lease: LeaseRecord = {
        leaseId,
        campaignId: i.campaignId,
        holder: i.holder,
        amountMicros: granted,
        spentMicros: 0,
        releasedMicros: 0,
        overrunMicros: 0,
        state: 'active',
        grantedAt: i.now,
        expiresAt: i.expiresAt,
        day: i.day,
        ...(i.idempotencyKey === undefined ? {} : { idempotencyKey: i.idempotencyKey }),
      };
      return { grantedMicros: granted, limitedBy, lease, after };
    },

    async settle(campaignId, leaseId, spent: Micros): Promise<SettleResult> {
      const k = redisKeys(prefix, campaignId);
      const r = (await run('ledgerSettle', k.acct, k.lease(leaseId), k.active, k.daily, leaseId, spent)) as [
        SettleResult['status'],
        number,
        number,
        number,
      ];
      return { status: r[0], spentMicros: r[1], releasedMicros: r[2], overrunMicros: r[3] };
    },

    async sweep(now) {
      const cutoff = now - timing.settleGraceMs;
      const expired: ExpiredLease[] = [];
      for (const id of await redis.smembers(campaignsKey)) {
        const k = redisKeys(prefix, id);
        // Batches: a campaign with many stale leases doesn't block Redis in one long script.
        for (;;) {
          const ids = await redis.zrangebyscore(k.active, '-inf', cutoff, 'LIMIT', 0, SWEEP_BATCH);
          for (const lid of ids) {
            const r = (await run('ledgerExpire', k.acct, k.lease(lid), k.active, lid, cutoff)) as string[];
            if (r.length === 2)
              expired.push({ campaignId: id, leaseId: lid, amountMicros: Number(r[0]), holder: r[1]! });
          }
          if (ids.length < SWEEP_BATCH) break;
        }
      }
      return expired;
    },

    async reconcile(campaignId, leaseId, proven): Promise<ReconcileResult> {
      const k = redisKeys(prefix, campaignId);
      const r = (await run('ledgerReconcile', k.acct, k.lease(leaseId), k.daily, proven)) as [
        ReconcileResult['status'],
        number,
        number,
      ];
      return { status: r[0], releasedMicros: r[1], overrunMicros: r[2] };
    },

    async balances(campaignId) {
      const flat = await redis.hgetall(redisKeys(prefix, campaignId).acct);
      if (Object.keys(flat).length === 0) return null;
      return toBalances(Object.entries(flat).flat());
    },

    async lease(campaignId, leaseId) {
      const h = await redis.hgetall(redisKeys(prefix, campaignId).lease(leaseId));
      return h.state ? toLease(campaignId, leaseId, h) : null;
    },

    async keyedLease(key) {
      const got = await redis.get(idemKey(key));
      if (got === null) return null;
      const [campaignId, , leaseId] = JSON.parse(got) as [string, string, string];
      const h = await redis.hgetall(redisKeys(prefix, campaignId).lease(leaseId));
      // Claimed but never granted (the first request was refused): no lease behind the key.
      return h.state && h.key === key ? toLease(campaignId, leaseId, h) : null;
    },
    async dailyUsed(campaignId, day) {
      return Number((await redis.hget(redisKeys(prefix, campaignId).daily, day)) ?? 0);
    },

    async marker() {
      return redis.get(markerKey);
    },

    async writeMarker(id, mode) {
      if (mode === 'replace') await redis.set(markerKey, id);
      else await redis.set(markerKey, id, 'NX');
      return (await redis.get(markerKey)) ?? id;
    },

    async campaignIds() {
      return redis.smembers(campaignsKey);
    },

    async spendRate(campaignId, holder, now) {
      const key = redisKeys(prefix, campaignId).rate(holder);
      const [sum, atMs, sinceMs, keepUntil] = await redis.hmget(key, 'sum', 'atMs', 'sinceMs', 'keepUntil');
      // Redis drops the key at keepUntil by its own clock; `now` decides for a caller ahead of it.
      if (sum == null || now >= Number(keepUntil)) return null;
      return { sum: Number(sum), atMs: Number(atMs), sinceMs: Number(sinceMs) };
    },

    async observeSpend(o) {
      const key = redisKeys(prefix, o.campaignId).rate(o.holder);
      await run('ledgerSpendRate', key, o.spentMicros, o.sinceMs, o.now, o.tauMs, SPEND_RATE_KEEP_TAUS);
    },

    async ready() {
      try {
        await redis.ping();
        return { ok: true };
      } catch (e) {
        return { ok: false, detail: `redis: ${(e as Error).message}` };
      }
    },

    async close() {
      // Idempotent: main.ts and tests may both close.
      if (ownsClient && redis.status !== 'end') await redis.quit().catch(() => undefined);
    },
  };
}

function toLease(campaignId: string, leaseId: string, h: Record<string, string>): LeaseRecord {
  return {
    leaseId,
    campaignId,
    holder: h.holder!,
    amountMicros: Number(h.amount),
    spentMicros: Number(h.spent ?? 0),
    releasedMicros: Number(h.released ?? 0),
    overrunMicros: Number(h.overrun ?? 0),
    state: h.state as LeaseRecord['state'],
    grantedAt: Number(h.grantedAt),
    expiresAt: Number(h.expiresAt),
    day: h.day!,
    ...(h.key ? { idempotencyKey: h.key } : {}),
  };
}
