-- KEYS: acct, lease, active. ARGV: leaseId, cutoff (expiresAt + grace must be <= now).
-- An unsettled lease past its grace counts as fully spent until events prove otherwise.
-- Returns {amount, holder} when this call expired the lease, {} otherwise, so exactly one
-- sweeper (of several replicas) reports each expiry.
local acct, leaseKey, active = KEYS[1], KEYS[2], KEYS[3]
local l = redis.call('HMGET', leaseKey, 'state', 'amount', 'expiresAt', 'holder')
if not l[1] then redis.call('ZREM', active, ARGV[1]); return {} end
if l[1] ~= 'active' or num(l[3]) > num(ARGV[2]) then return {} end
move(acct, 'leased', 'spent', num(l[2]))
redis.call('HSET', leaseKey, 'state', 'expired', 'spent', l[2])
redis.call('ZREM', active, ARGV[1])
return {l[2], l[4] or ''}
