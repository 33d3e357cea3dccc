-- KEYS: acct. ARGV: total budget micros.
local acct = KEYS[1]
local total = num(ARGV[1])
local funded = -num(redis.call('HGET', acct, 'funding'))
redis.call('HSET', acct, 'target', int(total))
for _, f in ipairs({'available', 'leased', 'spent', 'overrun', 'writeoff', 'released'}) do
  redis.call('HSETNX', acct, f, '0')
end
if total > funded then move(acct, 'funding', 'available', total - funded) end
clawback(acct)
return redis.call('HGETALL', acct)
