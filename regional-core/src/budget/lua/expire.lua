-- KEYS: acct, lease, active. ARGV: leaseId, cutoff (expiresAt + grace must be <= now).
-- An unsettled lease past its grace counts as fully spent until events prove otherwise.
local acct, leaseKey, active = KEYS[1], KEYS[2], KEYS[3]
local l = redis.call('HMGET', leaseKey, 'state', 'amount', 'expiresAt')
if not l[1] then redis.call('ZREM', active, ARGV[1]); return 0 end
if l[1] ~= 'active' or num(l[3]) > num(ARGV[2]) then return 0 end
move(acct, 'leased', 'spent', num(l[2]))
redis.call('HSET', leaseKey, 'state', 'expired', 'spent', l[2])
redis.call('ZREM', active, ARGV[1])
return 1
