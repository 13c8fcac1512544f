--[=[
  Admits a v2 purchase request at the API, or refuses it at once when no queue is needed.

  KEYS[1] meta     hash: active (0/1), start, end (epoch ms), max (per user)
  KEYS[2] stock    units left to reserve
  KEYS[3] held     hash: user -> units reserved or confirmed
  KEYS[4] pending  hash: user -> units in accepted, undecided requests; field '*' -> their sum
  KEYS[5] requests hash: dedup field -> "<requestId>:<quantity>"
  KEYS[6] admissions hash: request id -> "<acceptedAtMs>|<user>|<quantity>|<dedup field>" until the
          request's row is in PostgreSQL; what is left here long after was lost with its API instance
  KEYS[7] rate     hash: user -> "<windowStartMs>:<attempts>", the per-user purchase limit
  ARGV[1] user id, ARGV[2] quantity, ARGV[3] new request id, ARGV[4] dedup field,
  ARGV[5] attempts a user may make per window, ARGV[6] the window (ms)

  Returns {'MISSING'} (counters must be rebuilt first), {'RATE_LIMITED', secondsToWait},
  {'EXISTING', value}, {'REFUSED', code} or {'ACCEPTED', acceptedAtMs}.
  Every attempt that reaches the sale counts against the user's limit (a fixed window per user
  and sale): counted here, it costs no Redis round trip of its own. Checks everything before writing anything;
  the sale window is judged by the Redis clock, one clock for every API instance.
  An accepted request claims its units: once every unit is reserved or claimed by a request still
  in the queue, buyers get SOLD_OUT at once instead of a place in a queue that cannot serve them.
]=]
local meta = redis.call('HMGET', KEYS[1], 'active', 'start', 'end', 'max')
local stock = redis.call('GET', KEYS[2])
if not meta[1] or not stock then return {'MISSING'} end

local user, quantity = ARGV[1], tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local limit, window = tonumber(ARGV[5]), tonumber(ARGV[6])
local started, attempts = now, 1
local rate = redis.call('HGET', KEYS[7], user)
if rate then
  local s, n = string.match(rate, '^(%d+):(%d+)$')
  if s and now < tonumber(s) + window then started, attempts = tonumber(s), tonumber(n) + 1 end
end
redis.call('HSET', KEYS[7], user, started .. ':' .. attempts)
redis.call('PEXPIRE', KEYS[7], window * 2)
if attempts > limit then return {'RATE_LIMITED', tostring(math.max(1, math.ceil((started + window - now) / 1000)))} end

local existing = redis.call('HGET', KEYS[5], ARGV[4])
if existing then return {'EXISTING', existing} end
if meta[1] ~= '1' then return {'REFUSED', 'SALE_INACTIVE'} end
if now < tonumber(meta[2]) then return {'REFUSED', 'SALE_NOT_STARTED'} end
if now >= tonumber(meta[3]) then return {'REFUSED', 'SALE_ENDED'} end
-- A quantity no user may ever buy is LIMIT_EXCEEDED whatever the stock, as in v1.
if quantity > tonumber(meta[4]) then return {'REFUSED', 'LIMIT_EXCEEDED'} end
local claimed = tonumber(redis.call('HGET', KEYS[4], '*') or '0')
if tonumber(stock) - claimed < quantity then return {'REFUSED', 'SOLD_OUT'} end
local held = tonumber(redis.call('HGET', KEYS[3], user) or '0')
local pending = tonumber(redis.call('HGET', KEYS[4], user) or '0')
if held + pending + quantity > tonumber(meta[4]) then return {'REFUSED', 'LIMIT_EXCEEDED'} end

redis.call('HINCRBY', KEYS[4], user, quantity)
redis.call('HINCRBY', KEYS[4], '*', quantity)
redis.call('HSET', KEYS[5], ARGV[4], ARGV[3] .. ':' .. ARGV[2])
redis.call('HSET', KEYS[6], ARGV[3], now .. '|' .. user .. '|' .. ARGV[2] .. '|' .. ARGV[4])
return {'ACCEPTED', tostring(now)}
