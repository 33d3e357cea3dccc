-- KEYS: rate (hash sum atMs sinceMs keepUntil: one holder's spend history for one campaign).
-- ARGV: spent, sinceMs, now, tauMs, keepTaus.
-- observeSpend() of shared/src/pacing/lease-size.ts, done here so that replicas adding settles
-- at once all count: the decayed sum plus this lease's spend. Kept keepTaus time constants after
-- the last settle (PEXPIREAT, against the caller's clock like the lease records).
local key = KEYS[1]
local spent, since, now, tau = num(ARGV[1]), num(ARGV[2]), num(ARGV[3]), num(ARGV[4])
local v = redis.call('HMGET', key, 'sum', 'atMs', 'sinceMs', 'keepUntil')
local sum, at = spent, now
-- Past keepUntil by the caller's clock it is gone, whether or not Redis's own clock got there.
if v[1] and now < num(v[4]) then
  local prevAt = num(v[2])
  sum = num(v[1]) * math.exp(-math.max(0, now - prevAt) / tau) + spent
  at = math.max(now, prevAt)
  since = num(v[3])
else
  since = math.min(since, now)
end
local keepUntil = int(at + num(ARGV[5]) * tau)
redis.call('HSET', key, 'sum', string.format('%.17g', sum), 'atMs', int(at), 'sinceMs', int(since),
  'keepUntil', keepUntil)
redis.call('PEXPIREAT', key, keepUntil)
return 1
