-- KEYS: acct, lease, daily. ARGV: proven spent micros (from the event stream).
-- Only for expired leases, only downwards: releases what the events cannot prove was spent.
local acct, leaseKey, daily = KEYS[1], KEYS[2], KEYS[3]
local l = redis.call('HMGET', leaseKey, 'state', 'amount', 'spent', 'released', 'overrun', 'day')
if not l[1] then return {'unknown', 0, 0} end
if l[1] == 'active' then return {'not_expired', 0, 0} end
if l[1] == 'settled' then return {'unchanged', 0, 0} end
local amount, spent, proven = num(l[2]), num(l[3]), num(ARGV[1])
local released = math.max(0, spent - math.min(proven, amount))
local overrun = math.max(0, proven - amount - num(l[5]))
if released == 0 and overrun == 0 then return {'unchanged', 0, 0} end
move(acct, 'spent', 'available', released)
move(acct, 'writeoff', 'overrun', overrun)
redis.call('HINCRBY', acct, 'released', int(released))
if released > 0 and redis.call('HEXISTS', daily, l[6]) == 1 then
  redis.call('HINCRBY', daily, l[6], int(-released))
end
redis.call('HSET', leaseKey, 'spent', int(spent - released), 'released', int(num(l[4]) + released),
  'overrun', int(num(l[5]) + overrun))
clawback(acct)
return {'applied', released, overrun}
