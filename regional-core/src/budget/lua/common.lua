-- Shared helpers, prepended to every ledger script (each script is still one atomic EVAL).
-- Numbers go back to Redis through '%d': Redis 7.0 can print large doubles like 1e9 as
-- "1e+09", which HINCRBY would reject.
local function num(x) return tonumber(x) or 0 end
local function int(x) return string.format('%d', x) end
local function move(acct, from, to, m)
  if m > 0 then
    redis.call('HINCRBY', acct, from, int(-m))
    redis.call('HINCRBY', acct, to, int(m))
  end
end
-- Money coming back to available first pays off a budget cut that leases were still holding.
local function clawback(acct)
  local v = redis.call('HMGET', acct, 'funding', 'target', 'available')
  local owed = -num(v[1]) - num(v[2])
  local claw = math.min(owed, num(v[3]))
  if claw > 0 then move(acct, 'available', 'funding', claw) end
end
