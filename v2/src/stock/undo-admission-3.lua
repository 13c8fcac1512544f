--[=[
  Takes back an admission whose request was not made durable: the API answers 503 or 409, or the
  API instance died before writing the row (an orphan, found by the sweep or by a retry).

  KEYS[1] pending hash, KEYS[2] requests hash, KEYS[3] admissions hash (see admit-purchase)
  ARGV[1] user id, ARGV[2] quantity, ARGV[3] request id, ARGV[4] dedup field
]=]
--- @include "pending-floor"

redis.call('HDEL', KEYS[3], ARGV[3])
local mapped = redis.call('HGET', KEYS[2], ARGV[4])
if mapped ~= ARGV[3] .. ':' .. ARGV[2] then return 0 end
redis.call('HDEL', KEYS[2], ARGV[4])
lowerPending(KEYS[1], ARGV[1], tonumber(ARGV[2]))
return 1
