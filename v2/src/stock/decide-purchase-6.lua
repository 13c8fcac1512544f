--[=[
  The worker's decision for one queued request: reserve the units, or refuse for good.

  KEYS[1] meta, KEYS[2] stock, KEYS[3] held, KEYS[4] pending, KEYS[5] requests (see admit-purchase)
  KEYS[6] decided  hash: request id -> "R:<quantity>:<token>" reserved | "F:<code>" refused | "X" released
  ARGV[1] request id, ARGV[2] user id, ARGV[3] quantity, ARGV[4] accepted-at (Redis ms),
  ARGV[5] dedup field, ARGV[6] this run's reservation token

  Returns {'DECIDED', marker} when this request was decided before (a re-run after a crash),
  {'MISSING'} when the counters are gone, {'FAILED', code}, or {'RESERVED', unitsLeft}.
  Checks everything before it writes anything; the window is judged at acceptance time.
]=]
local prior = redis.call('HGET', KEYS[6], ARGV[1])
if prior then return {'DECIDED', prior} end
local meta = redis.call('HMGET', KEYS[1], 'active', 'start', 'end', 'max')
local stock = redis.call('GET', KEYS[2])
if not meta[1] or not stock then return {'MISSING'} end

local user, quantity, acceptedAt = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local held = tonumber(redis.call('HGET', KEYS[3], user) or '0')
local code = false
if meta[1] ~= '1' then code = 'SALE_INACTIVE'
elseif acceptedAt < tonumber(meta[2]) then code = 'SALE_NOT_STARTED'
elseif acceptedAt >= tonumber(meta[3]) then code = 'SALE_ENDED'
elseif quantity > tonumber(meta[4]) then code = 'LIMIT_EXCEEDED'
elseif tonumber(stock) < quantity then code = 'SOLD_OUT'
elseif held + quantity > tonumber(meta[4]) then code = 'LIMIT_EXCEEDED'
end

-- The request is no longer pending, whatever the outcome.
local pending = tonumber(redis.call('HGET', KEYS[4], user) or '0')
if pending > 0 then redis.call('HINCRBY', KEYS[4], user, -math.min(pending, quantity)) end
local claimed = tonumber(redis.call('HGET', KEYS[4], '*') or '0')
if claimed > 0 then redis.call('HINCRBY', KEYS[4], '*', -math.min(claimed, quantity)) end
if string.sub(ARGV[5], 1, 4) == 'dup:' then redis.call('HDEL', KEYS[5], ARGV[5]) end

if code then
  redis.call('HSET', KEYS[6], ARGV[1], 'F:' .. code)
  return {'FAILED', code}
end
local left = redis.call('DECRBY', KEYS[2], quantity)
redis.call('HINCRBY', KEYS[3], user, quantity)
redis.call('HSET', KEYS[6], ARGV[1], 'R:' .. quantity .. ':' .. ARGV[6])
return {'RESERVED', tostring(left)}
