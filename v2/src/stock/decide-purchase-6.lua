--[=[
  The worker's decision for one queued request: reserve the units, or refuse for good.

  KEYS[1] meta, KEYS[2] stock, KEYS[3] held, KEYS[4] pending, KEYS[5] requests (see admit-purchase)
  KEYS[6] decided  hash: request id -> "R:<quantity>:<token>" reserved | "F:<code>" refused | "X" released
  ARGV[1] request id, ARGV[2] user id, ARGV[3] quantity, ARGV[4] dedup field,
  ARGV[5] this run's reservation token

  Returns {'DECIDED', marker} when this request was decided before (a re-run after a crash),
  {'MISSING'} when the counters are gone, {'FAILED', code}, or {'RESERVED', unitsLeft}.
  Checks everything before it writes anything. The sale's window and switch are not judged
  here: Redis may hear of an admin's change late, so the PostgreSQL write alone judges them
  (order-writer.ts) and a reservation it refuses is given back.
]=]
local prior = redis.call('HGET', KEYS[6], ARGV[1])
if prior then return {'DECIDED', prior} end
local meta = redis.call('HMGET', KEYS[1], 'active', 'start', 'end', 'max')
local stock = redis.call('GET', KEYS[2])
if not meta[1] or not stock then return {'MISSING'} end

local user, quantity = ARGV[2], tonumber(ARGV[3])
local held = tonumber(redis.call('HGET', KEYS[3], user) or '0')
local code = false
if quantity > tonumber(meta[4]) then code = 'LIMIT_EXCEEDED'
elseif tonumber(stock) < quantity then code = 'SOLD_OUT'
elseif held + quantity > tonumber(meta[4]) then code = 'LIMIT_EXCEEDED'
end

-- The request is no longer pending, whatever the outcome.
local pending = tonumber(redis.call('HGET', KEYS[4], user) or '0')
if pending > 0 then redis.call('HINCRBY', KEYS[4], user, -math.min(pending, quantity)) end
local claimed = tonumber(redis.call('HGET', KEYS[4], '*') or '0')
if claimed > 0 then redis.call('HINCRBY', KEYS[4], '*', -math.min(claimed, quantity)) end
if string.sub(ARGV[4], 1, 4) == 'dup:' then redis.call('HDEL', KEYS[5], ARGV[4]) end

if code then
  redis.call('HSET', KEYS[6], ARGV[1], 'F:' .. code)
  return {'FAILED', code}
end
local left = redis.call('DECRBY', KEYS[2], quantity)
redis.call('HINCRBY', KEYS[3], user, quantity)
redis.call('HSET', KEYS[6], ARGV[1], 'R:' .. quantity .. ':' .. ARGV[5])
return {'RESERVED', tostring(left)}
