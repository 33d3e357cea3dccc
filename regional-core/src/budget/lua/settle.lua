-- KEYS: acct, lease, active, daily. ARGV: leaseId, reported spent micros.
-- Returns {status, spent, released, overrun}; a repeat moves nothing and returns the first outcome.
local acct, leaseKey, active, daily = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local l = redis.call('HMGET', leaseKey, 'state', 'amount', 'spent', 'released', 'overrun', 'day')
if not l[1] then return {'unknown', 0, 0, 0} end
if l[1] ~= 'active' then
  local status = 'expired'
  if l[1] == 'settled' then status = 'repeated' end
  return {status, num(l[3]), num(l[4]), num(l[5])}
end
local amount, reported = num(l[2]), num(ARGV[2])
local spent = math.min(reported, amount)
local released = amount - spent
local overrun = reported - spent
move(acct, 'leased', 'spent', spent)
move(acct, 'leased', 'available', released)
move(acct, 'writeoff', 'overrun', overrun)
redis.call('HINCRBY', acct, 'released', int(released))
if released > 0 and redis.call('HEXISTS', daily, l[6]) == 1 then
  redis.call('HINCRBY', daily, l[6], int(-released))
end
redis.call('HSET', leaseKey, 'state', 'settled', 'spent', int(spent), 'released', int(released), 'overrun', int(overrun))
redis.call('ZREM', active, ARGV[1])
clawback(acct)
return {'applied', spent, released, overrun}
