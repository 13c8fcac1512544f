--[=[
  Gives a reservation's units back (dead-lettered job, or a request PostgreSQL had already decided).

  KEYS[1] stock, KEYS[2] held, KEYS[3] decided
  ARGV[1] request id, ARGV[2] user id, ARGV[3] reservation token, or '' for whichever is live

  Returns 1 when units went back, 0 when there was no live reservation. A missing counter is
  not re-created here: the rebuild from PostgreSQL will count correctly.
]=]
local prior = redis.call('HGET', KEYS[3], ARGV[1])
if not prior or string.sub(prior, 1, 2) ~= 'R:' then return 0 end
local quantity, token = string.match(prior, '^R:(%d+):(.*)$')
if ARGV[3] ~= '' and token ~= ARGV[3] then return 0 end
quantity = tonumber(quantity)
redis.call('HSET', KEYS[3], ARGV[1], 'X')
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('INCRBY', KEYS[1], quantity)
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
redis.call('HINCRBY', KEYS[2], ARGV[2], -math.min(held, quantity))
return 1
