-- Inlined by stock-scripts.ts where a script says `--- @include "pending-floor"`.
-- A request's units leave the pending hash (see admit-purchase): its user's field and the '*'
-- sum, each lowered by at most what it holds. A field already at 0 (or gone: the counters were
-- rebuilt) is left alone, never made negative, and never written: HINCRBY by -0 is an error.
local function lowerPending(pendingKey, user, quantity)
  for _, field in ipairs({user, '*'}) do
    local pending = tonumber(redis.call('HGET', pendingKey, field) or '0')
    if pending > 0 then redis.call('HINCRBY', pendingKey, field, -math.min(pending, quantity)) end
  end
end
