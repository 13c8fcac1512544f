--[=[
  The worker's decisions for a batch of queued requests of one sale, in order: reserve the units,
  or refuse for good. One call decides the whole batch.

  KEYS[1] meta, KEYS[2] stock, KEYS[3] held, KEYS[4] pending, KEYS[5] requests (see admit-purchase)
  KEYS[6] decided  hash: request id -> "R:<quantity>:<token>" reserved | "F:<code>" refused | "X" released
  ARGV[1] this run's reservation token, then per request four values:
  request id, user id, quantity, dedup field

  Returns {'MISSING'} when the counters are gone (nothing decided), else per request two values:
  'DECIDED', marker when it was decided before (a re-run after a crash or a retry), 'FAILED',
  code, or 'RESERVED', units left. Each request is checked before anything is written for it.
  The sale's window and switch are not judged here: Redis may hear of an admin's change late,
  so the PostgreSQL write alone judges them (batch-writer.ts) and a reservation it refuses is
  given back.
]=]
--- @include "pending-floor"

local meta = redis.call('HMGET', KEYS[1], 'active', 'start', 'end', 'max')
if not meta[1] or redis.call('EXISTS', KEYS[2]) == 0 then return {'MISSING'} end
local max = tonumber(meta[4])
local token = ARGV[1]
local replies = {}

for i = 2, #ARGV, 4 do
  local id, user, quantity, field = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3]
  local prior = redis.call('HGET', KEYS[6], id)
  if prior then
    replies[#replies + 1] = 'DECIDED'
    replies[#replies + 1] = prior
  else
    local stock = tonumber(redis.call('GET', KEYS[2]))
    local held = tonumber(redis.call('HGET', KEYS[3], user) or '0')
    local code = false
    if quantity > max then code = 'LIMIT_EXCEEDED'
    elseif stock < quantity then code = 'SOLD_OUT'
    elseif held + quantity > max then code = 'LIMIT_EXCEEDED'
    end

    -- The request is no longer pending, whatever the outcome.
    lowerPending(KEYS[4], user, quantity)
    if string.sub(field, 1, 4) == 'dup:' then redis.call('HDEL', KEYS[5], field) end

    if code then
      redis.call('HSET', KEYS[6], id, 'F:' .. code)
      replies[#replies + 1] = 'FAILED'
      replies[#replies + 1] = code
    else
      local left = redis.call('DECRBY', KEYS[2], quantity)
      redis.call('HINCRBY', KEYS[3], user, quantity)
      redis.call('HSET', KEYS[6], id, 'R:' .. quantity .. ':' .. token)
      replies[#replies + 1] = 'RESERVED'
      replies[#replies + 1] = tostring(left)
    end
  end
end
return replies
