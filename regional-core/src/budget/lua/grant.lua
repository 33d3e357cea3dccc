-- KEYS: acct, lease, active (zset), daily (hash day -> net granted).
-- ARGV: leaseId, holder, requested, now, expiresAt, day, dailyCap (-1 none),
--       committedCap (-1 none), recordExpireAtMs, keepDays, idempotencyKey ('' none),
--       minGrant (0 none: a grant a limit other than the request cuts below it is refused).
-- Returns {granted, limit, available, leased, spent} (pools after the grant).
-- Same arithmetic as grantAmount() in ledger.ts: the tightest limit wins, ties keep the first.
-- With a key, the lease id is the one the key was first given (ledger-redis.ts), so a lease
-- already there is that request's grant: returned as {amount, 'repeated', pools..., record}
-- with nothing moved, or {0, 'conflict', pools...} if another holder has it.
local acct, leaseKey, active, daily = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local requested, now, expiresAt = num(ARGV[3]), num(ARGV[4]), num(ARGV[5])
local day, dailyCap, cap = ARGV[6], num(ARGV[7]), num(ARGV[8])
local idem = ARGV[11] or ''
local b = redis.call('HMGET', acct, 'available', 'leased', 'spent')
local available, leased, spent = num(b[1]), num(b[2]), num(b[3])
if idem ~= '' and redis.call('EXISTS', leaseKey) == 1 then
  local first = redis.call('HMGET', leaseKey, 'holder', 'amount', 'key')
  if first[1] ~= ARGV[2] or first[3] ~= idem then return {0, 'conflict', available, leased, spent} end
  return {num(first[2]), 'repeated', available, leased, spent, redis.call('HGETALL', leaseKey)}
end
local amount, limit = requested, 'requested'
local function clamp(room, why)
  if room < amount then amount = math.max(0, room); limit = why end
end
clamp(available, 'available')
if dailyCap >= 0 then clamp(dailyCap - num(redis.call('HGET', daily, day)), 'daily') end
if cap >= 0 then clamp(cap - spent - leased, 'paced') end
if amount < requested and amount < num(ARGV[12]) then amount = 0 end
if amount <= 0 or redis.call('EXISTS', leaseKey) == 1 then return {0, limit, available, leased, spent} end
move(acct, 'available', 'leased', amount)
-- spent/released/overrun start absent (= 0): fewer fields is less work on the hottest script.
redis.call('HSET', leaseKey, 'holder', ARGV[2], 'amount', int(amount), 'state', 'active',
  'grantedAt', int(now), 'expiresAt', int(expiresAt), 'day', day)
if idem ~= '' then redis.call('HSET', leaseKey, 'key', idem) end
redis.call('PEXPIREAT', leaseKey, ARGV[9])
redis.call('ZADD', active, int(expiresAt), ARGV[1])
if redis.call('HINCRBY', daily, day, int(amount)) == amount then
  -- Probably a new day: drop the oldest counters so the hash stays small.
  local days = redis.call('HKEYS', daily)
  table.sort(days)
  local keep = num(ARGV[10])
  for i = 1, #days - keep do redis.call('HDEL', daily, days[i]) end
end
return {amount, limit, available - amount, leased + amount, spent}
