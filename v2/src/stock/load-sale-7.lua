--[=[
  Loads a sale into Redis: its settings always, its counters only when they are missing.

  KEYS[1] meta, KEYS[2] stock, KEYS[3] held, KEYS[4] pending, KEYS[5] requests, KEYS[6] decided,
  KEYS[7] admissions
  ARGV[1] active (0/1), ARGV[2] start ms, ARGV[3] end ms, ARGV[4] max per user,
  ARGV[5] expire-at ms for every key, ARGV[6] JSON snapshot from PostgreSQL or '' (settings only):
    { available, held: [[user, units]], queued: [[requestId, user, units, dedupField]],
      keyed: [[dedupField, "<requestId>:<quantity>"]] }

  Counters are rebuilt as PostgreSQL's available units minus reservations still in flight
  (requests PostgreSQL has as queued that this Redis already reserved). Returns 'LOADED',
  'KEPT' (counters were present) or 'SETTINGS'.
]=]
redis.call('HSET', KEYS[1], 'active', ARGV[1], 'start', ARGV[2], 'end', ARGV[3], 'max', ARGV[4])
local expireAt = tonumber(ARGV[5])
-- Every key expires a day after the sale ends. The hashes get a placeholder field so they exist,
-- and keep this expiry, before the first purchase writes to them.
local function expireAll()
  for i = 3, 7 do redis.call('HSETNX', KEYS[i], '_', '0') end
  for i = 1, 7 do redis.call('PEXPIREAT', KEYS[i], expireAt) end
end
if ARGV[6] == '' then
  expireAll()
  return 'SETTINGS'
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  expireAll()
  return 'KEPT'
end

local snapshot = cjson.decode(ARGV[6])
-- Admissions not yet written are forgotten with the pending units they counted: the counts
-- now come from PostgreSQL alone.
redis.call('DEL', KEYS[3], KEYS[4], KEYS[7])
for _, entry in ipairs(snapshot.held) do redis.call('HINCRBY', KEYS[3], entry[1], entry[2]) end
local inFlight = 0
for _, request in ipairs(snapshot.queued) do
  local marker = redis.call('HGET', KEYS[6], request[1])
  if marker and string.sub(marker, 1, 2) == 'R:' then
    inFlight = inFlight + request[3]
    redis.call('HINCRBY', KEYS[3], request[2], request[3])
  elseif not marker then
    redis.call('HINCRBY', KEYS[4], request[2], request[3])
    redis.call('HINCRBY', KEYS[4], '*', request[3])
    if string.sub(request[4], 1, 4) == 'dup:' then
      redis.call('HSET', KEYS[5], request[4], request[1] .. ':' .. request[3])
    end
  end
end
for _, entry in ipairs(snapshot.keyed) do redis.call('HSETNX', KEYS[5], entry[1], entry[2]) end
redis.call('SET', KEYS[2], math.max(0, snapshot.available - inFlight))
expireAll()
return 'LOADED'
